"""pyspf (Debian python3-spf) as the oracle of spf-check's lookup accounting.

Each line of stdin is a JSON tree, {"domain": ..., "zone": {name: {"TXT": [[strings]], "A": [...],
"AAAA": [...], "MX": [[priority, exchange]]}}}: a name missing from the zone is NXDOMAIN, a type
missing at a name is no data. For every client address in argv[1] (a JSON list; none of them may
match the tree, so each record is walked to its all) one JSON list a line holds, per client,
pyspf's DNS-mechanism lookups, void lookups, the MX names of each mx it evaluated, and its result.
"""
import json
import sys

import spf

# Counted past the limits, as the analyzer counts: pyspf stops at 10 lookups (40 in lax mode) and
# at 2 void lookups otherwise. Lax mode so that an include without a record is noted, not the end;
# it also looks up the hosts of an MX list over 10 names (up to 40) where strict mode stops.
spf.MAX_LOOKUP = 10_000
spf.MAX_VOID_LOOKUPS = 10_000

clients = json.loads(sys.argv[1])
zone = {}


def lookup(name, qtype, strict=True, timeout=None):
    data = zone.get(name.lower().rstrip('.'), {})
    values = data.get(qtype, [])
    if qtype == 'TXT':
        return [((name, qtype), [s.encode('utf-8') for s in strings]) for strings in values]
    if qtype == 'MX':
        return [((name, qtype), (priority, exchange)) for priority, exchange in values]
    return [((name, qtype), value) for value in values]


mx_names = []
evaluate_mx = spf.query.dns_mx


def dns_mx(self, domainname):
    # The MX answer is cached once it is not empty, so reading it back asks nothing again.
    answer = evaluate_mx(self, domainname)
    mx_names.append(len(self.cache.get((domainname.lower().rstrip('.'), 'MX'), [])))
    return answer


spf.DNSLookup = lookup
spf.query.dns_mx = dns_mx
for line in sys.stdin:
    tree = json.loads(line)
    zone = {name.lower(): data for name, data in tree['zone'].items()}
    results = []
    for ip in clients:
        mx_names = []
        query = spf.query(ip, 'probe@' + tree['domain'], 'mail.' + tree['domain'], strict=False)
        result = query.check()[0]
        results.append({'lookups': query.lookups, 'void': query.void_lookups, 'mx': mx_names, 'result': result})
    print(json.dumps(results), flush=True)
