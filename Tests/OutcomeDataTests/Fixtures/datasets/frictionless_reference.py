#!/usr/bin/env python3
# Reference verdicts of the Frictionless Framework on corrupted copies of the shipped dataset, for
# TableSchemaTests ("agrees with frictionless on every corrupted copy").
#
# Produced with: Python 3.11.7, frictionless 5.21.0 (pip install frictionless==5.21.0), by
#   python3 frictionless_reference.py > frictionless_reference.csv
# run from this folder. For each corruption (one cell of Datasets/net-liver-metastases changed), the
# dataset is copied to a temporary folder, the cell is set, the file rewritten (RFC 4180, LF line
# ends, as the Swift tests' DatasetCopy does), and `frictionless validate --json datapackage.json` is
# run. Each error is written as one row: the corruption, then the file frictionless names, its rowNumber (= physical
# line: no row of these files spans lines), fieldNumber (NA when the error is not about one field, as
# for a foreign key) and error type. The shipped dataset itself validates with no error (first row:
# a "none" corruption with error_type NA).
import csv, json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHIPPED = os.path.normpath(os.path.join(HERE, "../../../../Datasets/net-liver-metastases"))
FRICTIONLESS = os.environ.get("FRICTIONLESS", "frictionless")

CORRUPTIONS = [
    ("none", "", "", ""),
    ("outcomes.csv", "mayo2010-01", "endpoint", "overall_survival"),
    ("outcomes.csv", "mayo2010-02", "n", "3 39"),
    ("outcomes.csv", "mayo2010-02", "n", "0"),
    ("outcomes.csv", "dong2011-01", "time", "three"),
    ("outcomes.csv", "dong2011-01", "ci_level", "95"),
    ("outcomes.csv", "rinke2009_promid-03", "doi_or_pmid", "19704057"),
    ("outcomes.csv", "rinke2009_promid-03", "verification", "checked"),
    ("outcomes.csv", "chamberlain2000-01", "study_id", "chamberlain2001"),
    ("outcomes.csv", "chamberlain2000-02", "outcome_id", "chamberlain2000-01"),
    ("outcomes.csv", "chamberlain2000-02", "unit", ""),
    ("outcomes.csv", "mayo2010-01", "ci_low", "1,5"),
    ("outcomes.csv", "mayo2010-01", "events", "2.5"),
    ("outcomes.csv", "mayo2010-01", "time", "-1"),
    ("studies.csv", "mayo2010", "year", "10"),
    ("studies.csv", "mayo2010", "pmid", "PMID20585879"),
    ("studies.csv", "mayo2010", "source_url", "not a url"),
    ("studies.csv", "mayo2010", "n", "0"),
    ("studies.csv", "mayo2010", "modality", "surgery"),
    ("studies.csv", "que1995", "study_id", "mcentee1990"),
]

def main():
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["file", "row_id", "column", "value", "error_file", "error_row", "error_field", "error_type"])
    for file, row_id, column, value in CORRUPTIONS:
        root = tempfile.mkdtemp()
        try:
            folder = os.path.join(root, "net-liver-metastases")
            shutil.copytree(SHIPPED, folder)
            if file != "none":
                path = os.path.join(folder, file)
                rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
                header = rows[0]
                row = next(r for r in rows[1:] if r[0] == row_id)
                row[header.index(column)] = value
                with open(path, "w", newline="", encoding="utf-8") as f:
                    csv.writer(f, lineterminator="\n").writerows(rows)
            report = json.loads(subprocess.run([FRICTIONLESS, "validate", "--json", os.path.join(folder, "datapackage.json")],
                                               capture_output=True, text=True).stdout)
            errors = [(os.path.basename(task["place"]), e) for task in report["tasks"] for e in task["errors"]]
            if not errors:
                out.writerow([file, row_id, column, value, "NA", "NA", "NA", "NA"])
            for error_file, e in errors:
                field = e.get("fieldNumber")
                out.writerow([file, row_id, column, value, error_file, e.get("rowNumber", "NA"), field if field else "NA", e["type"]])
        finally:
            shutil.rmtree(root)

main()
