"""Writes the survey-tool export fixtures next to this file (run it from the project root).

Each file reproduces the layout a tool writes, as its documentation and public examples describe
it (header rows, metadata columns, BOM, CRLF, quoting, separators); the answers are made up. Every
file holds three respondents; the first one ranks the pillars in FIRST_ORDER.
"""

import csv
import io
import json
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

LABELS = {  # the customer wording of each pillar, as a survey shows it
    "advertising": "Our adverts",
    "content": "Information and articles",
    "digital-experiences": "Website and app",
    "non-digital-experiences": "In person, on the phone, at your door",
    "communications": "Messages from us",
    "representatives": "Our people",
    "products-services": "What you buy from us",
    "customer-service": "Help when something goes wrong",
    "friction": "Ease: no waiting, no hassle",
    "brand-reputation": "Our reputation",
}
SLUGS = list(LABELS)
FIRST_ORDER = [
    "friction", "customer-service", "products-services", "representatives",
    "digital-experiences", "communications", "brand-reputation", "content",
    "non-digital-experiences", "advertising",
]  # fmt: skip
ORDERS = [FIRST_ORDER, list(reversed(FIRST_ORDER)), SLUGS]
RANKS = [{slug: order.index(slug) + 1 for slug in SLUGS} for order in ORDERS]
SCALE = ["Very poor", "Poor", "Fair", "Good", "Excellent"]
EXPERIENCE = [[4, 3, 5, 2, 4, 3, 5, 4, 3, 2], [1, 2, 3, 4, 5, 1, 2, 3, 4, 5], [3] * 10]
NPS = [9, 6, 10]
QUESTION = "Please rank what matters most to you"
RATING = "How well do we do on each?"


def write_csv(
    name,
    rows,
    *,
    bom=False,
    newline="\r\n",
    delimiter=",",
    quoting=csv.QUOTE_MINIMAL,
    encoding="utf-8",
):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def write_xlsx(name, rows, *, merge=None):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    workbook.save(HERE / name)


def surveymonkey():
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]  # fmt: skip
    first = meta + [QUESTION] + [""] * 9 + [RATING] + [""] * 9
    first += ["How likely is it that you would recommend us to a friend or colleague?"]
    first += ["Which generation do you belong to?"]
    second = [""] * len(meta) + [LABELS[s] for s in SLUGS] * 2 + ["Response", "Response"]
    rows = [first, second]
    generations = ["Gen X (born 1965–1980)", "Millennials (born 1981–1996)", "Baby Boomers"]
    for i in range(3):
        row = [str(114_000_000_000 + i), "431234567", "11/02/2026 09:14:02 AM",
               "11/02/2026 09:17:40 AM", "203.0.113.7", "", "", "", ""]  # fmt: skip
        row += [str(RANKS[i][s]) for s in SLUGS]
        row += [SCALE[EXPERIENCE[i][k] - 1] for k in range(10)]
        row += [str(NPS[i]), generations[i]]
        rows.append(row)
    rows[2][9 + SLUGS.index("advertising")] = rows[2][9 + SLUGS.index("advertising")]
    write_csv("surveymonkey.csv", rows)
    write_xlsx("surveymonkey.xlsx", rows)


def qualtrics():
    meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
            "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
            "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
            "DistributionChannel", "UserLanguage"]  # fmt: skip
    numbers = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12]  # item numbers need not be contiguous
    tags = meta + [f"Q2_{n}" for n in numbers] + [f"Q3_{n}" for n in numbers]
    tags += ["Q4_NPS_GROUP", "Q4", "Q5"]
    texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress",
             "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
             "Recipient Last Name", "Recipient First Name", "Recipient Email",
             "External Data Reference", "Location Latitude", "Location Longitude",
             "Distribution Channel", "User Language"]  # fmt: skip
    texts += [f"{QUESTION} - {LABELS[s]}" for s in SLUGS]
    texts += [f"{RATING} - {LABELS[s]}" for s in SLUGS]
    recommend = "How likely are you to recommend us to a friend? - Group"
    texts += [recommend, "How likely are you to recommend us to a friend?", "Your generation"]
    ids = [json.dumps({"ImportId": k}) for k in ("startDate", "endDate", "status", "ipAddress",
           "progress", "duration", "finished", "recordedDate", "_recordId", "recipientLastName",
           "recipientFirstName", "recipientEmail", "externalDataReference", "locationLatitude",
           "locationLongitude", "distributionChannel", "userLanguage")]  # fmt: skip
    ids += [json.dumps({"ImportId": f"QID2_{n}"}) for n in numbers]
    ids += [json.dumps({"ImportId": f"QID3_{n}"}) for n in numbers]
    ids += [json.dumps({"ImportId": "QID4_NPS_GROUP"}), json.dumps({"ImportId": "QID4"})]
    ids += [json.dumps({"ImportId": "QID5"})]
    rows = [tags, texts, ids]
    groups = ["Promoter", "Passive", "Promoter"]
    generations = ["Gen X", "Millennials", "Gen Z"]
    for i in range(3):
        row = ["2026-11-02 09:14:02", "2026-11-02 09:17:40", "IP Address", "203.0.113.7", "100",
               "218", "True", "2026-11-02 09:17:41", f"R_3k{i}Xb9Qz1LmNo{i}", "", "", "", "",
               "51.5072", "-0.1276", "anonymous", "EN"]  # fmt: skip
        row += [str(RANKS[i][s]) for s in SLUGS]
        row += [str(EXPERIENCE[i][k]) for k in range(10)]
        row += [groups[i], str(NPS[i]), generations[i]]
        rows.append(row)
    write_csv("qualtrics.csv", rows, bom=True)


def google_forms():
    header = ["Timestamp", "Email Address"]
    header += [f"{QUESTION} [{LABELS[s]}]" for s in SLUGS]
    header += [f"{RATING} [{LABELS[s]}]" for s in SLUGS]  # the same item labels again
    header += ["How likely are you to recommend us? (0-10)"]
    rows = [header]
    styles = [lambda r: f"{r}{'st' if r == 1 else 'nd' if r == 2 else 'rd' if r == 3 else 'th'}",
              lambda r: f"Rank {r}", str]  # fmt: skip
    for i in range(3):
        row = [f"2026/11/02 9:1{i}:02 AM GMT", f"customer{i}@example.com"]
        row += [styles[i](RANKS[i][s]) for s in SLUGS]
        row += [str(EXPERIENCE[i][k]) for k in range(10)]
        row += [str(NPS[i])]
        rows.append(row)
    write_csv("google_forms.csv", rows, newline="\n")


def microsoft_forms():
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
              QUESTION, "How likely are you to recommend us to a friend or colleague?",
              "What is your age?"]  # fmt: skip
    rows = [header]
    ages = ["35-44", "25-34", "65+"]
    for i in range(3):
        ranked = "".join(LABELS[s] + ";" for s in ORDERS[i])  # ";"-joined, trailing ";"
        rows.append([i + 1, "11/2/26 9:14:02", "11/2/26 9:17:40", "anonymous", "", "",
                     ranked, NPS[i], ages[i]])  # fmt: skip
    write_xlsx("microsoft_forms.xlsx", rows)


def limesurvey(codes: bool):
    meta = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
    header = meta + [f"RANK[{n}]. {QUESTION} [Rank {n}]" for n in range(1, 11)]
    header += ["NPS. How likely are you to recommend us?"]
    rows = [header]
    for i in range(3):
        row = [str(i + 1), "2026-11-02 09:17:40", "2", "en", "123456789", "2026-11-02 09:14:02",
               "2026-11-02 09:17:40"]  # fmt: skip
        if codes:
            row += [f"A{SLUGS.index(s) + 1}" for s in ORDERS[i]]
        else:
            row += [LABELS[s] for s in ORDERS[i]]
        row += [str(NPS[i])]
        rows.append(row)
    name = "limesurvey_codes.csv" if codes else "limesurvey.csv"
    write_csv(name, rows, bom=True, delimiter=";", quoting=csv.QUOTE_ALL)


def typeform():
    header = ["#", QUESTION, "How likely are you to recommend us?", "Start Date (UTC)",
              "Submit Date (UTC)", "Network ID"]  # fmt: skip
    rows = [header]
    for i in range(3):
        ranked = ",".join(LABELS[s] for s in ORDERS[i])  # comma-joined without spaces
        rows.append([f"k3x9q{i}vz0w8e2r1t", ranked, str(NPS[i]), "2026-11-02 09:14:02",
                     "2026-11-02 09:17:40", "a1b2c3d4e5"])  # fmt: skip
    write_csv("typeform.csv", rows, newline="\n")


def formbricks():
    header = ["No.", "Response ID", "Timestamp", "Finished", "Survey ID",
              "Formbricks ID (internal)", "User ID", "Notes", "Tags", QUESTION, RATING,
              "Which generation are you?"]  # fmt: skip
    rows = [header]
    generations = ["Millennials", "Gen X", "Gen Z"]
    for i in range(3):
        ranked = "; ".join(LABELS[s] for s in ORDERS[i])
        matrix = "\n".join(
            f"{LABELS[s]}: {SCALE[EXPERIENCE[i][k] - 1]}" for k, s in enumerate(SLUGS)
        )
        rows.append([str(i + 1), f"clx{i}abcd0001", "2026-11-02 09:17:40", "Yes", "clsurvey01",
                     "", "", "", "", ranked, matrix, generations[i]])  # fmt: skip
    write_csv("formbricks.csv", rows, newline="\n")


def hand_made():
    abbreviations = {
        "advertising": "Adverts", "content": "Info & articles",
        "digital-experiences": "Website/app",
        "non-digital-experiences": "In-person & phone", "communications": "Messages",
        "representatives": "Our people", "products-services": "Products & services",
        "customer-service": "Customer service", "friction": "Friction",
        "brand-reputation": "Reputation",
    }  # fmt: skip
    words = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
             "Tenth"]  # fmt: skip
    rows = [["Customer priorities survey, spring fair 2026"] + [None] * 10, [None] * 11]
    rows.append(["Customer"] + [abbreviations[s] for s in SLUGS])
    for i in range(3):
        rows.append([f"Visitor {i + 1}"] + [words[RANKS[i][s] - 1] for s in SLUGS])
    rows.append([None] * 11)
    rows.append(["* Collected on paper at the stand and typed in by the team."] + [None] * 10)
    write_xlsx("hand_made.xlsx", rows, merge="A1:K1")


if __name__ == "__main__":
    surveymonkey()
    qualtrics()
    google_forms()
    microsoft_forms()
    limesurvey(codes=False)
    limesurvey(codes=True)
    typeform()
    formbricks()
    hand_made()
