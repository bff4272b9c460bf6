#!/usr/bin/python3
# soak-window.py CHORUS: the window's side of bench/soak, on test LAN
# host 2 under its own Xvfb, D-Bus session and AT-SPI bus.
#
# Starts the window, starts its receiver through AT-SPI (the Receive page,
# SOAK_GROUP:SOAK_PORT, answering as by default), writes its process id
# to SOAK_OUT/window.pid and then SOAK_OUT/window.ready. From then until
# bench/soak creates window.stop, it reads the count label through AT-SPI
# every SOAK_PROBE seconds and times each read. Then it reads the final
# count, takes a screenshot (window.png), stops the receiver, closes the
# window and writes its figures to window.result:
#
#   counted_label N      messages received, from the count label
#   answered_label N     answered, from the same label
#   label_final TEXT
#   probe_reads N        reads tried while the blast ran
#   probe_answered N     of those, answered
#   probe_worst_s S      the slowest read
#   probe_median_s S
#   probe_longest_gap_s  the longest time without an answered read
#
# Each read during the blast is also logged to window-probes.log
# (seconds since the blast started, seconds the read took, text or error).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys
import time

import pyatspi
from gi.repository import Atspi

OUT = os.environ['SOAK_OUT']
GROUP = os.environ.get('SOAK_GROUP', '224.3.29.71')
PORT = os.environ.get('SOAK_PORT', '10000')
PROBE = float(os.environ.get('SOAK_PROBE', '0.1'))
DEADLINE = time.monotonic() + float(os.environ.get('SOAK_DEADLINE', '600'))
COUNT_RE = re.compile(r'^([\d,.\s\u202f\u00a0]+) messages? received'
                      r'(?:, ([\d,.\s\u202f\u00a0]+) answered)?'
                      r'(?:, ([\d,.\s\u202f\u00a0]+) not answered)?$')


def log(*args):
    print('soak-window:', *args, file=sys.stderr, flush=True)


def wait_for(check, timeout=10.0, step=0.1):
    end = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > end:
            return result
        time.sleep(step)


def find_app(name):
    def look():
        for app in pyatspi.Registry.getDesktop(0):
            try:
                if (app is not None and app.name == name and app.childCount > 0
                        and app[0].getRoleName() == 'frame' and app[0].childCount > 0):
                    return app
            except Exception:
                pass
        return None
    return wait_for(look, 30)


def descendants(node, predicate):
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        try:
            children = [current[i] for i in range(current.childCount)]
        except Exception:
            continue
        for child in reversed(children):
            if child is None:
                continue
            try:
                if predicate(child):
                    found.append(child)
            except Exception:
                continue
            stack.append(child)
    return found


def find(node, role, name, timeout=10):
    def look():
        found = descendants(node, lambda n: n.getRoleName() == role and n.name == name)
        return found[0] if found else None
    return wait_for(look, timeout)


def text_of(node):
    text = node.queryText()
    return text.getText(0, text.characterCount)


def click(node):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) == 'click':
            return action.doAction(i)
    raise AssertionError('%s %r cannot be clicked' % (node.getRoleName(), node.name))


def number(text):
    return int(re.sub(r'\D', '', text)) if text else 0


def screenshot(path):
    tree = subprocess.run(['xwininfo', '-root', '-tree'], capture_output=True, text=True).stdout
    for line in tree.splitlines():
        if '"Chorus"' in line:
            subprocess.run(['import', '-window', line.split()[0], path], check=False, timeout=30)
            return


def drive(app):
    receive_page = find(app, 'filler', 'ChorusReceivePage')
    click(find(app, 'page tab', 'Receive'))
    find(receive_page, 'text', 'Group').queryEditableText().setTextContents(GROUP)
    find(receive_page, 'text', 'Port').queryEditableText().setTextContents(PORT)
    click(find(receive_page, 'push button', 'Start Receiving'))
    stop = find(receive_page, 'push button', 'Stop Receiving', timeout=5)
    if stop is None:
        raise RuntimeError('the receiver did not start')
    labels = wait_for(lambda: descendants(
        receive_page, lambda n: n.getRoleName() == 'label' and COUNT_RE.match(n.name or '')), 5)
    if not labels:
        raise RuntimeError('no count label')
    count = labels[0]
    log('receiving; count label %r' % text_of(count))

    # From here on a starved window may take seconds to answer: wait for
    # it (up to 60 s a read) rather than give up after AT-SPI's 0.8 s.
    Atspi.set_timeout(60000, 60000)
    with open(os.path.join(OUT, 'window.ready'), 'w'):
        pass

    started_path = os.path.join(OUT, 'window.started')
    stop_path = os.path.join(OUT, 'window.stop')
    blast_start = None
    probes = []
    with open(os.path.join(OUT, 'window-probes.log'), 'w') as probe_log:
        while not os.path.exists(stop_path) and time.monotonic() < DEADLINE:
            if blast_start is None and os.path.exists(started_path):
                blast_start = time.monotonic()
            began = time.monotonic()
            try:
                result = text_of(count)
                answered = True
            except Exception as error:
                result = 'error: %s' % error
                answered = False
            took = time.monotonic() - began
            if blast_start is not None:
                probes.append((began - blast_start, took, answered))
                probe_log.write('%.3f %.4f %s\n' % (began - blast_start, took, result))
            time.sleep(max(0.0, PROBE - took))

    final = text_of(count)
    match = COUNT_RE.match(final)
    screenshot(os.path.join(OUT, 'window.png'))
    click(stop)
    find(receive_page, 'push button', 'Start Receiving', timeout=10)

    times = sorted(p[1] for p in probes)
    answered_at = [p[0] + p[1] for p in probes if p[2]]
    gaps = [b - a for a, b in zip(answered_at, answered_at[1:])]
    figures = {
        'counted_label': number(match.group(1)) if match else -1,
        'answered_label': number(match.group(2)) if match and match.group(2) else 0,
        'probe_reads': len(probes),
        'probe_answered': sum(1 for p in probes if p[2]),
        'probe_worst_s': '%.3f' % (times[-1] if times else 0),
        'probe_median_s': '%.4f' % (times[len(times) // 2] if times else 0),
        'probe_p99_s': '%.3f' % (times[int(len(times) * 0.99)] if times else 0),
        'probe_longest_gap_s': '%.3f' % (max(gaps) if gaps else 0),
        'label_final': '"%s"' % final,
    }
    return figures


def close_window(app, process):
    try:
        click(find(app, 'push button', 'Close'))
        process.wait(20)
    except Exception:
        pass


def main():
    process = subprocess.Popen([sys.argv[1]], stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(OUT, 'chorus.log'), 'w'))
    with open(os.path.join(OUT, 'window.pid'), 'w') as f:
        f.write('%d\n' % process.pid)
    figures = {}
    try:
        app = find_app('chorus')
        if app is None:
            raise RuntimeError('the application is not on the AT-SPI bus')
        figures = drive(app)
        close_window(app, process)
        figures['exit_status'] = process.poll()
    except Exception as error:
        log('failed: %s' % error)
        figures['error'] = '"%s"' % error
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
        with open(os.path.join(OUT, 'window.result.tmp'), 'w') as f:
            for key, value in figures.items():
                f.write('%s %s\n' % (key, value))
        os.rename(os.path.join(OUT, 'window.result.tmp'), os.path.join(OUT, 'window.result'))


if __name__ == '__main__':
    main()
