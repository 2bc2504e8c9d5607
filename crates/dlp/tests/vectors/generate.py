#!/usr/bin/env python3
"""Writes detectors.json, the detectors' shared test vectors.

The check digits of generated identifiers are computed here, independently of the Rust
crate, so the vectors test the crate rather than echo it. Run from this directory:
`python3 generate.py > detectors.json`.
"""
import json


def luhn_digit(body):
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def nir_key(body13):
    """Key of a 13-character NIR; Corsica's 2A counts as 19 and 2B as 18."""
    department = body13[5:7].upper()
    number = body13[:5] + {"2A": "19", "2B": "18"}.get(department, department) + body13[7:]
    return "%02d" % (97 - int(number) % 97)


def rib_key(bank, branch, account):
    table = {}
    for letters, digit in [("AJ", 1), ("BKS", 2), ("CLT", 3), ("DMU", 4), ("ENV", 5),
                           ("FOW", 6), ("GPX", 7), ("HQY", 8), ("IRZ", 9)]:
        for letter in letters:
            table[letter] = str(digit)
    account = "".join(table.get(c, c) for c in account.upper())
    return "%02d" % (97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97)


def iban_valid(iban):
    compact = iban.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


cases = []


def case(name, text, expect, note=None):
    """expect: list of (kind, matched text[, excerpt]); offsets are computed in UTF-8 bytes."""
    findings = []
    search_from = 0
    encoded = text.encode("utf-8")
    for item in expect:
        kind, matched = item[0], item[1]
        start = encoded.index(matched.encode("utf-8"), search_from)
        end = start + len(matched.encode("utf-8"))
        search_from = end
        finding = {"kind": kind, "start": start, "end": end, "match": matched}
        if len(item) > 2:
            finding["excerpt"] = item[2]
        findings.append(finding)
    entry = {"name": name, "text": text, "expect": findings}
    if note:
        entry["note"] = note
    cases.append(entry)


# NIR
body = "16905" + "2A" + "004" + "123"
nir_corsica = body + nir_key(body)
body_b = "28512" + "2B" + "033" + "101"
nir_corsica_b = body_b + nir_key(body_b)
body_special = "1783099" + "330" + "108"
nir_special_month = body_special + nir_key(body_special)
case("nir published example with spaces", "N° de sécurité sociale : 2 55 08 14 168 025 38.",
     [("nir", "2 55 08 14 168 025 38", "2 55 ** ** *** *** 38")])
case("nir compact", "NIR 255081416802538", [("nir", "255081416802538", "255**********38")])
case("nir born abroad (department 99)", "Assuré né à l'étranger : 1 78 05 99 330 108 17",
     [("nir", "1 78 05 99 330 108 17")])
case("nir corsica 2A, key computed with 19",
     "NIR : %s %s %s %s %s %s %s" % (nir_corsica[0], nir_corsica[1:3], nir_corsica[3:5],
                                     nir_corsica[5:7], nir_corsica[7:10], nir_corsica[10:13],
                                     nir_corsica[13:]),
     [("nir", "%s %s %s %s %s %s %s" % (nir_corsica[0], nir_corsica[1:3], nir_corsica[3:5],
                                         nir_corsica[5:7], nir_corsica[7:10],
                                         nir_corsica[10:13], nir_corsica[13:]))])
case("nir corsica 2B compact", "secu " + nir_corsica_b, [("nir", nir_corsica_b)])
case("nir conventional month 30", "NIR " + nir_special_month, [("nir", nir_special_month)])
case("nir wrong key", "N° de sécurité sociale : 2 55 08 14 168 025 39.", [],
     "look-alike: key off by one")
case("nir month 13 does not exist", "NIR 2 55 13 14 168 025 " + nir_key("2551314168025"), [])
case("nir with two spaces between its groups", "NIR : 2  55  08  14  168  025  38",
     [("nir", "2  55  08  14  168  025  38", "2  55  **  **  ***  ***  38")],
     "a number typed from a form's boxes")
case("nir corsica with the key of 2B", "NIR " + body + nir_key(body.replace("2A", "2B")), [],
     "2A number with a key computed as if 2B")

# IBAN
for name, iban in [
    ("iban France (registry example), grouped", "FR14 2004 1010 0505 0001 3M02 606"),
    ("iban Germany (registry example), grouped", "DE89 3704 0044 0532 0130 00"),
    ("iban United Kingdom (registry example), compact", "GB29NWBK60161331926819"),
    ("iban Belgium (registry example), 16 characters", "BE68539007547034"),
    ("iban Norway (registry example), 15 characters", "NO9386011117947"),
    ("iban Malta (registry example), 31 characters", "MT84MALT011000012345MTLCAST001S"),
    ("iban Switzerland (registry example), grouped", "CH93 0076 2011 6238 5295 7"),
]:
    assert iban_valid(iban), iban
    case(name, "Virement sur le compte %s avant le 5." % iban, [("iban", iban)])
case("iban followed by a currency", "IBAN : FR14 2004 1010 0505 0001 3M02 606 EUR",
     [("iban", "FR14 2004 1010 0505 0001 3M02 606", "FR14 **** **** **** **** **** *06")])
case("iban wrong check digits", "IBAN FR15 2004 1010 0505 0001 3M02 606", [])
case("iban wrong length for its country", "IBAN FR14 2004 1010 0505 0001 3M02 60", [])
case("iban with dashes between its groups", "IBAN : FR14-2004-1010-0505-0001-3M02-606.",
     [("iban", "FR14-2004-1010-0505-0001-3M02-606", "FR14-****-****-****-****-****-*06")])
case("iban in lower case", "iban fr7630006000011234567890189 (compte courant)",
     [("iban", "fr7630006000011234567890189")])
case("iban in lower case, wrong check digits", "iban fr7630006000011234567890188", [])
case("iban with dots is not read as one", "FR14.2004.1010.0505.0001.3M02.606", [],
     "a dot ends the IBAN: the sentence goes on after it")
case("iban unknown country", "IBAN XX14 2004 1010 0505 0001 3M02 606", [])

# RIB
rib_digits = ("30006", "00001", "12345678901")
rib_generated = " ".join(rib_digits) + " " + rib_key(*rib_digits)
case("rib with letters in the account (from the French IBAN example)",
     "RIB : 20041 01005 0500013M026 06", [("rib", "20041 01005 0500013M026 06", "***** ***** *********** 06")])
case("rib generated", "Coordonnées bancaires : " + rib_generated, [("rib", rib_generated)])
case("rib wrong key", "RIB : 20041 01005 0500013M026 07", [])

# Cards (published test numbers)
for name, number in [
    ("card visa test number", "4111 1111 1111 1111"),
    ("card mastercard test number", "5555 5555 5555 4444"),
    ("card mastercard 2-series test number", "2223 0031 2200 3222"),
    ("card american express test number, 4-6-5", "3782 822463 10005"),
    ("card discover test number, compact", "6011111111111117"),
    ("card jcb test number", "3530 1113 3330 0000"),
]:
    case(name, "Payé par carte %s le 3 mai." % number, [("card", number)])
case("card excerpt keeps the last four", "CB 4111 1111 1111 1111",
     [("card", "4111 1111 1111 1111", "**** **** **** 1111")])
case("card wrong luhn", "Payé par carte 4111 1111 1111 1112.", [])
case("card luhn-valid but no issuer", "Référence 0000 0000 0000 0000", [])

# SIREN, SIRET
case("siren", "SIREN 732 829 320", [("siren", "732 829 320", "73* *** *20")])
case("siret (published example)", "SIRET : 732 829 320 00074", [("siret", "732 829 320 00074")])
case("siret la poste head office (luhn)", "SIRET 356 000 000 00048", [("siret", "356 000 000 00048")])
case("siret la poste establishment (digit sum multiple of 5)", "SIRET 35600000049837",
     [("siret", "35600000049837")])
case("siret wrong key, siren wrong key", "SIRET 732 829 321 00074", [])
case("siret la poste wrong digit sum", "SIRET 35600000049838", [])

# FINESS, RPPS, ADELI
finess = "75000123" + luhn_digit("75000123")
rpps = "1000123456" + luhn_digit("1000123456")
case("finess with its label", "Établissement FINESS n° " + finess, [("finess", finess)])
case("finess wrong key", "FINESS " + finess[:-1] + str((int(finess[-1]) + 1) % 10), [])
case("rpps with its label", "Dr Martin, RPPS " + rpps, [("rpps", rpps)])
case("rpps without label (prefix 10)", "prescripteur " + rpps, [("rpps", rpps)])
case("rpps wrong key", "RPPS " + rpps[:-1] + str((int(rpps[-1]) + 1) % 10), [])
case("adeli needs its label", "N° ADELI : 751012345", [("adeli", "751012345")])

# CNI, passport
case("cni issued before 2021", "CNI n° 880692310285 délivrée à Lyon", [("cni", "880692310285")])
case("cni current format", "Carte nationale d’identité : X4RTBPFW4", [("cni", "X4RTBPFW4")])
case("cni shape without its label", "Dossier 880692310285", [])
case("passport with its label", "Passeport n° 15AB12345", [("passport", "15AB12345")])
case("passport shape alone", "réf. 15AB12345", [("passport", "15AB12345")],
     "reported with a low confidence")

# Phone
for name, phone in [
    ("phone spaces", "06 12 34 56 78"),
    ("phone dots", "01.23.45.67.89"),
    ("phone dashes", "09-87-65-43-21"),
    ("phone compact", "0612345678"),
    ("phone international", "+33 6 12 34 56 78"),
    ("phone international 0033", "0033 1 23 45 67 89"),
    ("phone international with the trunk zero", "+33 (0)6 12 34 56 78"),
    ("phone international with the trunk zero, compact", "+33(0)612345678"),
    ("phone 0033 with the trunk zero", "0033 (0) 1 23 45 67 89"),
    ("phone with two spaces between its groups", "06  12  34  56  78"),
]:
    case(name, "Tél. : %s (standard)" % phone, [("phone", phone)])
case("phone excerpt", "Tél 06 12 34 56 78", [("phone", "06 12 34 56 78", "06 ** ** ** 78")])
case("not a phone: starts with 00", "Code 00 12 34 56 78", [])
case("not a phone: odd grouping", "Code 061 234 5678", [])
case("not a phone: trunk zero then a zero", "Tél +33 (0)0 12 34 56 78", [],
     "and its nine digits are not a SIREN either")
case("phone with the trunk zero, not read as a SIREN", "+33(0)732829320",
     [("phone", "+33(0)732829320")], "732829320 alone is a valid SIREN")

# Email
case("email", "Écrire à jean.dupont@chu-lyon.fr.",
     [("email", "jean.dupont@chu-lyon.fr", "j***.******@***-****.fr")])
case("email-like but no domain", "Twitter @chu_lyon, a@b", [])

# Birthdate
case("birthdate numeric", "Mme Durand, née le 12/03/1985 à Lyon",
     [("birthdate", "12/03/1985", "**/**/**85")])
case("birthdate written month", "Date de naissance : 1er mars 1985", [("birthdate", "1er mars 1985")])
case("birthdate DDN", "DDN 03.07.1962", [("birthdate", "03.07.1962")])
case("date without birth context", "Rendez-vous le 12/03/1985", [])
case("birth word inside another word", "L'année prochaine, donné le 12/03/1985", [])

# Health
case("health strong term alone", "Suivi pour schizophrénie depuis 2010.",
     [("health", "schizophrénie", "s************")])
case("health accents and case ignored", "ANTECEDENTS : DIABETE DE TYPE 2",
     [("health", "DIABETE DE TYPE 2")])
case("health acronym in capitals", "Sérologie VIH positive",
     [("health", "Sérologie"), ("health", "VIH")])
case("health weak word alone is not reported", "Le traitement des données personnelles.", [])
case("health weak word near other terms", "Traitement : metformine, suivi du diabète",
     [("health", "Traitement"), ("health", "metformine"), ("health", "diabète")])
case("health term inside another word", "Un état prédiabétique supposé.", [])

# Mixed and hostile
case("several kinds in one text",
     "Patient né le 02/05/1955, NIR 2 55 08 14 168 025 38, tél. 06 12 34 56 78, "
     "IBAN FR14 2004 1010 0505 0001 3M02 606.",
     [("birthdate", "02/05/1955"), ("nir", "2 55 08 14 168 025 38"),
      ("phone", "06 12 34 56 78"), ("iban", "FR14 2004 1010 0505 0001 3M02 606")])
case("digits inside words", "Airbus A380 et x86_64, ref4111111111111111", [])
case("empty text", "", [])

document = {
    "description": (
        "Shared test vectors of the pli-dlp detectors. Each case scans `text` and must report "
        "exactly the findings in `expect` (no more, no fewer), in text order."
    ),
    "fields": {
        "kind": "one of nir, iban, rib, card, finess, rpps, adeli, siren, siret, cni, passport, "
                "phone, email, birthdate, health",
        "start": "byte offset of the match in the UTF-8 encoding of `text`",
        "end": "byte offset just past the match (exclusive)",
        "match": "the matched text, text[start:end], for readability and as a check",
        "excerpt": "optional: the masked excerpt the detector must produce",
        "note": "optional: why the case exists",
    },
    "generated_by": "generate.py (check digits of generated identifiers computed there)",
    "cases": cases,
}
print(json.dumps(document, ensure_ascii=False, indent=1))
