#!/usr/bin/python3
"""Writes a fixture journal with a given build of pathhub, as SQL text.

    tests/data/journals/write_fixture.py BIN_DIR OUT.sql "WHICH RELEASE"

Runs BIN_DIR/pathhub and BIN_DIR/hl7sink in a temporary folder and feeds them hand-made
messages (synthetic patients; nothing from the corpus), so the journal holds one of each thing
a journal holds: an order sent to its lab (orders, order_history), its result delivered, a
result matching no order (unmatched_results), an audited search (audit), and a result still
pending because its receiver is down when the hub stops (and the alert it fires). Then it dumps the journal as SQL,
with its PRAGMA user_version. The migration tests (tests/unit/journal/schema_test.cc) load
each fixture and open it with the current program.
"""
import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

TOKEN = "fixture-admin-token-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port):
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listening on {port}")


def send(bin_dir, port, folder, message):
    path = os.path.join(folder, "message.hl7")
    with open(path, "w", newline="") as f:
        f.write(message)
    out = subprocess.run([os.path.join(bin_dir, "hl7send"), f"127.0.0.1:{port}", path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"not accepted: {out.stdout}{out.stderr}")


def result(control, placer, filler, nhs):
    return (f"MSH|^~\\&|LIMS|LAB1|GPSYS|A81001|20261125100000||ORU^R01|{control}|P|2.4\r"
            f"PID|||{nhs}^^^NHS^NH||TESTPATIENT^ALEX\rORC|RE|{placer}|{filler}\r"
            f"OBR|1|{placer}|{filler}|K^Potassium^L|||20261125090000" + "|" * 15 + "F\r"
            "OBX|1|NM|K^Potassium^L||4.2|mmol/L|3.5-5.3|N|||F\r")


def main():
    bin_dir, out_path = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="pathhub-fixture-") as folder:
        lab, orders, sink_port, api = free_port(), free_port(), free_port(), free_port()
        with open(os.path.join(folder, "catalogue.csv"), "w") as f:
            f.write("code,name,lab,specimen,turnaroundHours\nK,Potassium,LAB1,Blood,4\n")
        config = os.path.join(folder, "pathhub.xml")
        with open(config, "w") as f:
            f.write(f"""<pathhub>
  <journal path="{folder}/journal.db"/>
  <log level="warning"/>
  <api listen="127.0.0.1:{api}">
    <token name="fixture" role="admin" sha256="{hashlib.sha256(TOKEN.encode()).hexdigest()}"/>
  </api>
  <alerts checkSeconds="1">
    <rule name="gp-backlog" condition="backlog" destination="gp" severity="critical"/>
  </alerts>
  <channel name="orders">
    <source type="mllp" listen="127.0.0.1:{orders}"/>
    <destination name="lab1" type="file" directory="{folder}/lab1"/>
    <destination name="unplaced" type="file" directory="{folder}/unplaced"/>
    <orders catalogue="{folder}/catalogue.csv" exceptions="unplaced">
      <lab name="LAB1" destination="lab1"/>
    </orders>
  </channel>
  <channel name="lab">
    <source type="mllp" listen="127.0.0.1:{lab}"/>
    <destination name="gp" type="mllp" endpoint="127.0.0.1:{sink_port}" connectTimeoutMs="300"/>
    <retry baseMs="100" capMs="500" maxAttempts="1000000"/>
    <orders matchWindowHours="72"/>
  </channel>
</pathhub>
""")
        sink = subprocess.Popen([os.path.join(bin_dir, "hl7sink"), "--listen",
                                 f"127.0.0.1:{sink_port}"], stdout=subprocess.DEVNULL)
        hub = subprocess.Popen([os.path.join(bin_dir, "pathhub"), "--config", config])
        wait_port(lab)
        send(bin_dir, orders, folder,
             "MSH|^~\\&|GPSYS|A81001|PATHHUB|NET|20261125090000||OML^O21^OML_O21|ORD-F1|P|2.5\r"
             "PID|||9434765919^^^NHS^NH||TESTPATIENT^ALEX\r"
             "ORC|NW|PF1^GP||||||||||||||||||||Practice^^A81001\rOBR|1|PF1^GP||K^K^L\r")
        send(bin_dir, lab, folder, result("RES-F1", "PF1", "FF1", "9434765919"))
        send(bin_dir, lab, folder, result("RES-F2", "PF9", "FF9", "9990000018"))
        time.sleep(1.0)  # both delivered to the sink
        request = urllib.request.Request(f"http://127.0.0.1:{api}/api/v1/messages?channel=lab",
                                         headers={"Authorization": f"Bearer {TOKEN}"})
        urllib.request.urlopen(request, timeout=10).read()
        sink.terminate()
        sink.wait()
        send(bin_dir, lab, folder, result("RES-F3", "PF1", "FF1", "9434765919"))
        time.sleep(2.0)  # its first attempt fails: pending, and an alert fires, when the hub stops
        hub.terminate()
        if hub.wait(timeout=60) != 0:
            sys.exit("the hub did not stop cleanly")
        db = sqlite3.connect(os.path.join(folder, "journal.db"))
        version = db.execute("PRAGMA user_version").fetchone()[0]
        with open(out_path, "w") as out:
            out.write(f"-- A journal written by {sys.argv[3]} "
                      f"(tests/data/journals/write_fixture.py)\n")
            for line in db.iterdump():
                out.write(line + "\n")
            out.write(f"PRAGMA user_version = {version};\n")
        db.close()


if __name__ == "__main__":
    main()
