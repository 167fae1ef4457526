"""pyspf (Debian python3-spf) over the RFC 7208 suite, driven like lab/spf-suite.ts drives
mailops: the same zonedata conventions (fixtures/spf/README.md), the same identities.
Prints one JSON line: results and explanations passed, and tests per second over PASSES
timed passes after WARMUP untimed ones."""
import json
import sys
import time

import spf
import yaml

suite_file, warmup, passes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def octets(text):
    # YAML \xNN escapes stand for the octet NN.
    return text.encode('latin-1') if all(ord(c) < 256 for c in text) else text.encode('utf-8')


def lookup_for(zonedata):
    zone = {name.lower().rstrip('.'): records or [] for name, records in (zonedata or {}).items()}

    def records_of(name, qtype):
        key = name.lower().rstrip('.')
        if any(len(label) > 63 for label in key.split('.')):
            raise spf.TempError('DNS timeout')
        if key not in zone:
            if key.startswith('error.'):
                raise spf.TempError('DNS timeout')
            return None
        records = zone[key]
        has_txt = any(isinstance(r, dict) and 'TXT' in r for r in records)
        out = []
        for record in records:
            if record == 'TIMEOUT':
                if out:
                    return out
                raise spf.TempError('DNS timeout')
            if not isinstance(record, dict):
                continue
            (kind, value), = record.items()
            asked = 'TXT' if kind == 'SPF' and qtype == 'TXT' and not has_txt else kind
            if asked != qtype or value == 'NONE':
                continue
            if qtype == 'TXT':
                chunks = value if isinstance(value, list) else [value]
                out.append(((name, qtype), [octets(str(c)) for c in chunks]))
            elif qtype == 'MX':
                out.append(((name, qtype), (value[0], value[1])))
            else:
                out.append(((name, qtype), str(value)))
        return out

    answers = {}

    def lookup(name, qtype, strict=True, timeout=None):
        # Each answer (or error) is worked out once per name and type, as in the TypeScript driver.
        key = (qtype, name.lower().rstrip('.'))
        if key not in answers:
            try:
                answers[key] = ('value', answer(name, qtype))
            except spf.TempError as error:
                answers[key] = ('error', error)
        kind, value = answers[key]
        if kind == 'error':
            raise value
        return value

    def answer(name, qtype):
        found = records_of(name, qtype)
        if found is None:
            return []
        if found:
            return found
        cname = records_of(name, 'CNAME')
        if cname:
            target = cname[0][1]
            return cname + (records_of(target, qtype) or [])
        return []

    return lookup


cases = []
with open(suite_file, 'rb') as f:
    for scenario in yaml.safe_load_all(f):
        lookup = lookup_for(scenario.get('zonedata'))
        for name, test in scenario['tests'].items():
            expected = test['result'] if isinstance(test['result'], list) else [test['result']]
            cases.append((name, test, expected, lookup))


def run_once(check):
    results = explanations = 0
    for name, test, expected, lookup in cases:
        spf.DNSLookup = lookup
        sender = test['mailfrom'] or 'postmaster@' + test['helo']
        q = spf.query(test['host'], sender, test['helo'], receiver='receiver.example.org',
                      strict=test.get('strict', True))
        q.set_default_explanation('DEFAULT')
        result, _, explanation = q.check()
        if check and result in expected:
            results += 1
            if 'explanation' in test and explanation == test['explanation']:
                explanations += 1
    return results, explanations


results, explanations = run_once(True)
for _ in range(warmup):
    run_once(False)
started = time.perf_counter()
for _ in range(passes):
    run_once(False)
elapsed = time.perf_counter() - started
print(json.dumps({'tests': len(cases), 'results': results, 'explanations': explanations,
                  'testsPerSecond': passes * len(cases) / elapsed}))
