"""pyspf (Debian python3-spf) as the oracle of the SPF record validator's property test.

Each line of stdin is a JSON string, a record published at oracle.test; for every client address
given as argv[1] (a JSON list) pyspf's check_host() result is printed, one JSON list a line.
Every other name answers as a healthy zone would: an SPF record for any TXT question, an address
for any A or AAAA, one MX, so that only the record's own syntax can make every client permerror.
"""
import json
import sys

import spf

DOMAIN = 'oracle.test'
clients = json.loads(sys.argv[1])
published = ''


def lookup(name, qtype, strict=True, timeout=None):
    key = name.lower().rstrip('.')
    if qtype == 'TXT':
        text = published if key == DOMAIN else 'v=spf1 ip4:198.51.100.0/24 -all'
        return [((name, qtype), [text.encode('utf-8')])]
    if qtype == 'A':
        return [((name, qtype), '203.0.113.99')]
    if qtype == 'AAAA':
        return [((name, qtype), '2001:db8::99')]
    if qtype == 'MX':
        return [((name, qtype), (10, 'mx.' + DOMAIN))]
    return []


spf.DNSLookup = lookup
for line in sys.stdin:
    published = json.loads(line)
    results = []
    for ip in clients:
        query = spf.query(ip, 'probe@' + DOMAIN, 'mail.' + DOMAIN, receiver='receiver.' + DOMAIN, strict=True)
        results.append(query.check()[0])
    print(json.dumps(results), flush=True)
