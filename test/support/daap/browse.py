#!/usr/bin/python3
"""Browses _daap._tcp.local. with python3-zeroconf on 127.0.0.1 and prints one JSON line per
event (ready, added/updated with port and TXT, removed). Used by the DAAP mDNS test, which runs
it inside a network namespace of its own (daap.md §13.6). Usage: browse.py SECONDS"""
import json
import sys
import time

from zeroconf import ServiceBrowser, ServiceStateChange, Zeroconf


def main() -> None:
    zc = Zeroconf(interfaces=['127.0.0.1'])

    def on_change(zeroconf, service_type, name, state_change):
        if state_change is ServiceStateChange.Removed:
            print(json.dumps({'event': 'removed', 'name': name}), flush=True)
            return
        info = zeroconf.get_service_info(service_type, name, timeout=3000)
        txt = {}
        if info is not None:
            for k, v in (info.properties or {}).items():
                txt[k.decode('utf-8', 'replace')] = v.decode('utf-8', 'replace') if v is not None else None
        print(json.dumps({
            'event': state_change.name.lower(),
            'name': name,
            'port': info.port if info else None,
            'addresses': info.parsed_addresses() if info else [],
            'txt': txt,
        }), flush=True)

    ServiceBrowser(zc, '_daap._tcp.local.', handlers=[on_change])
    print(json.dumps({'event': 'ready'}), flush=True)
    try:
        time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 20)
    finally:
        zc.close()


if __name__ == '__main__':
    main()
