#!/usr/bin/env python3
"""Writes the labelled accuracy corpus of the pli-dlp detectors.

Generated French documents (medical reports, social files, invoices, letters, HR documents)
hold valid identifiers of every kind, each labelled, and look-alikes with one digit changed
(so their check digit is wrong), never labelled. Check digits are computed here,
independently of the Rust crate. The seed is fixed: running it again gives the same files.

Run from this directory: `python3 generate.py`. It writes:

- `documents.jsonl`: one JSON object per line, `{"id", "type", "text"}`;
- `labels.jsonl`: one JSON object per line, `{"id", "labels": [{"kind", "start", "end"}]}`,
  offsets in bytes of the UTF-8 encoding of `text`, `end` exclusive, in text order.

Health terms are taken from `../../data/health_fr.tsv` (diagnoses, treatments, disability,
care; weight 0.7 or more, so that each is health data on its own) and labelled as `health`,
like the care terms the templates hold ("compte rendu de consultation", "MDPH").
"""
import json
import os
import random

SEED = 20261122
N_DOCUMENTS = 900
HERE = os.path.dirname(os.path.abspath(__file__))

rng = random.Random(SEED)
# Draws of the less common ways of writing an identifier (an IBAN in lower case or with dashes,
# `+33 (0)6 ...`, two spaces between groups): a stream of their own, so that adding them left
# the documents' structure and values as they were.
forms = random.Random(SEED + 1)

# ---------------------------------------------------------------------------------------
# Check digits


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


def luhn_valid(number):
    return luhn_digit(number[:-1]) == number[-1]


def nir_key(body13):
    department = body13[5:7].upper()
    number = body13[:5] + {"2A": "19", "2B": "18"}.get(department, department) + body13[7:]
    return "%02d" % (97 - int(number) % 97)


RIB_LETTERS = {}
for _letters, _digit in [("AJ", 1), ("BKS", 2), ("CLT", 3), ("DMU", 4), ("ENV", 5),
                         ("FOW", 6), ("GPX", 7), ("HQY", 8), ("IRZ", 9)]:
    for _letter in _letters:
        RIB_LETTERS[_letter] = str(_digit)


def rib_key(bank, branch, account):
    account = "".join(RIB_LETTERS.get(c, c) for c in account.upper())
    return "%02d" % (97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97)


def iban_check(country, bban):
    rearranged = bban + country + "00"
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return "%02d" % (98 - int(digits) % 97)


def iban_valid(compact):
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


# ---------------------------------------------------------------------------------------
# Identifiers: each generator returns (compact value, formatted text)


def space():
    """The space between groups of digits: mostly a plain one, sometimes the no-break space
    or the narrow no-break space that French typography (and word processors) put there."""
    roll = rng.random()
    return "\u00a0" if roll < 0.1 else "\u202f" if roll < 0.15 else " "


def spaced(groups):
    separator = space()
    # Numbers typed from a form's boxes keep two spaces between groups.
    if forms.random() < 0.04:
        separator = "  "
    return separator.join(groups)


def digits(n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def nir():
    sex = rng.choice("12")
    year = "%02d" % rng.randint(0, 99)
    month = "%02d" % rng.randint(1, 12)
    roll = rng.random()
    if roll < 0.08:
        department = rng.choice(["2A", "2B"])
    elif roll < 0.15:
        department = "99"
    else:
        department = "%02d" % rng.choice([d for d in range(1, 96) if d != 20])
    commune = "%03d" % rng.randint(1, 999)
    order = "%03d" % rng.randint(1, 999)
    body = sex + year + month + department + commune + order
    value = body + nir_key(body)
    if rng.random() < 0.6:
        text = spaced([value[0], value[1:3], value[3:5], value[5:7], value[7:10],
                         value[10:13], value[13:]])
    else:
        text = value
    return value, text


FR_BANKS = ["30004", "30003", "20041", "10278", "11315", "30002", "18206", "14505", "12506"]


def rib_parts():
    bank = rng.choice(FR_BANKS)
    branch = digits(5)
    account = digits(11)
    if rng.random() < 0.15:
        position = rng.randint(4, 9)
        account = account[:position] + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + account[position + 1:]
    return bank, branch, account, rib_key(bank, branch, account)


def group4(compact):
    return spaced(compact[i:i + 4] for i in range(0, len(compact), 4))


IBAN_COUNTRIES = {"DE": 18, "BE": 12, "ES": 20, "IT": 23, "NL": 14, "LU": 16, "CH": 17,
                  "PT": 21, "GB": 18}


def iban():
    if rng.random() < 0.7:
        bank, branch, account, key = rib_parts()
        country, bban = "FR", bank + branch + account + key
    else:
        country = rng.choice(sorted(IBAN_COUNTRIES))
        length = IBAN_COUNTRIES[country]
        if country == "NL":
            bban = rng.choice(["ABNA", "INGB", "RABO"]) + digits(length - 4)
        elif country == "GB":
            bban = rng.choice(["NWBK", "BARC", "HBUK"]) + digits(length - 4)
        elif country == "IT":
            bban = rng.choice("ABCDEFGHIJKLMNOPRSTUVWXZ") + digits(length - 1)
        else:
            bban = digits(length)
    value = country + iban_check(country, bban) + bban
    assert iban_valid(value)
    text = group4(value) if rng.random() < 0.75 else value
    roll = forms.random()
    if roll < 0.08:
        text = text.lower()
    elif roll < 0.16:
        text = "-".join(value[i:i + 4] for i in range(0, len(value), 4))
    return value, text


def rib():
    bank, branch, account, key = rib_parts()
    value = bank + branch + account + key
    return value, spaced([bank, branch, account, key])


def card():
    roll = rng.random()
    if roll < 0.55:
        body = "4" + digits(14)
    elif roll < 0.85:
        body = str(rng.randint(51, 55)) + digits(13)
    else:
        body = rng.choice(["34", "37"]) + digits(12)
    value = body + luhn_digit(body)
    if len(value) == 15:
        text = spaced([value[:4], value[4:10], value[10:]])
    elif rng.random() < 0.8:
        text = group4(value)
    else:
        text = value
    return value, text


def finess():
    body = "%02d" % rng.choice([d for d in range(1, 96) if d != 20]) + rng.choice("0") + digits(5)
    value = body + luhn_digit(body)
    return value, value


def rpps():
    body = "10" + digits(8)
    value = body + luhn_digit(body)
    return value, value


def siren_value():
    body = str(rng.randint(1, 9)) + digits(7)
    return body + luhn_digit(body)


def siren():
    value = siren_value()
    if rng.random() < 0.6:
        return value, spaced([value[:3], value[3:6], value[6:]])
    return value, value


def siret():
    body = siren_value() + "000" + str(rng.randint(1, 9))
    value = body + luhn_digit(body)
    if rng.random() < 0.6:
        return value, spaced([value[:3], value[3:6], value[6:9], value[9:]])
    return value, value


def adeli():
    value = "%02d" % rng.choice([d for d in range(1, 96) if d != 20]) + digits(7)
    return value, value


def cni():
    if rng.random() < 0.6:
        value = "%02d%02d" % (rng.randint(94, 99) % 100, rng.randint(1, 12)) + \
            "%02d" % rng.randint(1, 95) + rng.choice("0123456789ABC") + digits(5)
    else:
        alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
        value = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + "".join(
            rng.choice(alphabet) for _ in range(7)) + rng.choice("0123456789")
    return value, value


def passport():
    value = digits(2) + "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + digits(5)
    return value, value


def phone():
    prefix = rng.choice(["01", "02", "03", "04", "05", "06", "06", "07", "09"])
    value = prefix + digits(8)
    pairs = [value[i:i + 2] for i in range(0, 10, 2)]
    roll = rng.random()
    if roll < 0.55:
        text = spaced(pairs)
    elif roll < 0.7:
        text = ".".join(pairs)
    elif roll < 0.8:
        text = value
    else:
        separator = space()
        text = separator.join(["+33", value[1]] + pairs[1:])
        # The trunk zero kept in brackets, as many letterheads print it.
        roll = forms.random()
        if roll < 0.2:
            text = "+33 (0)" + value[1] + " " + " ".join(pairs[1:])
        elif roll < 0.3:
            text = "0033 (0) " + value[1] + " " + " ".join(pairs[1:])
        elif roll < 0.35:
            text = "+33(0)" + value[1:]
    return value, text


FIRST_NAMES = ["Marie", "Jean", "Camille", "Louis", "Léa", "Hugo", "Chloé", "Lucas", "Inès",
               "Nathalie", "François", "Émilie", "Sophie", "Thomas", "Aurélie", "Karim", "Fatima",
               "Mathieu", "Hélène", "Nicolas", "Yasmine", "Pierre", "Anaïs", "Julien", "Océane"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Benali",
              "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau",
              "Nguyen", "Mercier", "Boyer", "Chevalier", "Faure", "André", "Gauthier"]
DOMAINS = ["chu-lyon.fr", "aphp.fr", "orange.fr", "gmail.com", "laposte.net", "free.fr",
           "caf.fr", "mairie-villeurbanne.fr", "cabinet-medical-exemple.fr", "ch-valence.fr",
           "ccas-grenoble.fr", "entreprise-exemple.com"]
CITIES = [("Lyon", "69003"), ("Paris", "75012"), ("Marseille", "13005"), ("Grenoble", "38000"),
          ("Villeurbanne", "69100"), ("Bordeaux", "33000"), ("Lille", "59000"),
          ("Nantes", "44000"), ("Ajaccio", "20000"), ("Strasbourg", "67000"),
          ("Toulouse", "31000"), ("Rennes", "35000"), ("Valence", "26000")]
STREETS = ["rue Garibaldi", "avenue Jean Jaurès", "boulevard des Belges", "rue de la République",
           "place Bellecour", "rue Victor Hugo", "chemin des Vignes", "allée des Tilleuls",
           "cours Gambetta", "impasse du Moulin"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]


def strip_accents(text):
    table = str.maketrans("àâäéèêëîïôöùûüçÉÈ", "aaaeeeeiioouuucEE")
    return text.translate(table)


def email(first, last):
    local = strip_accents("%s.%s" % (first, last)).lower().replace(" ", "")
    value = "%s@%s" % (local, rng.choice(DOMAINS))
    return value, value


def birthdate():
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1930, 2015)
    roll = rng.random()
    if roll < 0.6:
        text = "%02d/%02d/%d" % (day, month, year)
    elif roll < 0.85:
        text = "%s %s %d" % ("1er" if day == 1 else str(day), MONTHS[month - 1], year)
    else:
        text = "%02d.%02d.%d" % (day, month, year)
    return text, text


def some_date():
    return "%02d/%02d/%d" % (rng.randint(1, 28), rng.randint(1, 12), rng.randint(2019, 2026))


# ---------------------------------------------------------------------------------------
# Look-alikes: one digit changed, so the key no longer matches (Luhn and mod 97 catch every
# single-digit error).


def look_alike(text, skip_first=0, limit=None):
    positions = [i for i, c in enumerate(text) if c.isdigit()][skip_first:limit]
    position = rng.choice(positions)
    old = text[position]
    new = rng.choice([d for d in "0123456789" if d != old])
    return text[:position] + new + text[position + 1:]


def bad(generator, skip_first=0, valid=None, limit=None):
    """A look-alike of what `generator` makes, with a digit changed among the digits from
    `skip_first` to `limit`; `valid` double-checks it is invalid."""
    while True:
        value, text = generator()
        wrong = look_alike(text, skip_first, limit)
        compact = "".join(c for c in wrong if c.isalnum())
        if valid is None or not valid(compact):
            return wrong


def nir_valid(compact):
    try:
        return len(compact) == 15 and nir_key(compact[:13]) == compact[13:]
    except ValueError:
        # A Corsican department with its 2 changed ("8B") is no department at all.
        return False


def rib_valid(compact):
    return rib_key(compact[:5], compact[5:10], compact[10:21]) == compact[21:]


# ---------------------------------------------------------------------------------------
# Health terms from the detector's dictionary


def health_terms():
    terms = []
    path = os.path.join(HERE, "..", "..", "data", "health_fr.tsv")
    with open(path, encoding="utf-8") as dictionary:
        for line in dictionary:
            if line.startswith("#") or not line.strip():
                continue
            term, weight, category = line.rstrip("\n").split("\t")
            if category != "context" and float(weight) >= 0.7 and not term.isupper():
                terms.append(term)
    return terms


HEALTH = health_terms()

# ---------------------------------------------------------------------------------------
# Documents


class Document:
    def __init__(self, kind):
        self.kind = kind
        self.parts = []
        self.length = 0
        self.labels = []

    def add(self, text):
        self.parts.append(text)
        self.length += len(text.encode("utf-8"))

    def value(self, kind, text):
        start = self.length
        self.add(text)
        self.labels.append({"kind": kind, "start": start, "end": self.length})

    def text(self):
        return "".join(self.parts)


class Person:
    def __init__(self):
        self.first = rng.choice(FIRST_NAMES)
        self.last = rng.choice(LAST_NAMES)
        self.female = self.first in {"Marie", "Camille", "Léa", "Chloé", "Inès", "Nathalie",
                                     "Émilie", "Sophie", "Aurélie", "Fatima", "Hélène",
                                     "Yasmine", "Anaïs", "Océane"}
        self.city, self.postcode = rng.choice(CITIES)
        self.address = "%d %s, %s %s" % (rng.randint(1, 180), rng.choice(STREETS), self.postcode,
                                         self.city)

    def title(self):
        return "Mme" if self.female else "M."

    def born(self):
        return "née" if self.female else "né"


def maybe(probability):
    return rng.random() < probability


def health(doc, count=1):
    for index in range(count):
        if index:
            doc.add(rng.choice([", ", " et ", " ; "]))
        doc.value("health", rng.choice(HEALTH))


def medical_report(doc):
    patient, doctor = Person(), Person()
    doc.value("health", "COMPTE RENDU DE CONSULTATION")
    doc.add("\n\nHôpital de %s, service de médecine interne\n" % patient.city)
    doc.add("FINESS : ")
    doc.value("finess", finess()[1])
    doc.add("\nDr %s %s, RPPS " % (doctor.first, doctor.last))
    doc.value("rpps", rpps()[1])
    doc.add("\nSecrétariat : ")
    doc.value("phone", phone()[1])
    doc.add("\n\nPatient : %s %s %s, %s le " % (patient.title(), patient.first, patient.last,
                                                 patient.born()))
    doc.value("birthdate", birthdate()[1])
    doc.add("\nAdresse : %s\nN° de sécurité sociale : " % patient.address)
    doc.value("nir", nir()[1])
    doc.add("\n\nMotif de la consultation : ")
    health(doc)
    doc.add(".\nAntécédents : ")
    health(doc, rng.randint(1, 3))
    doc.add(".\nLe %s, la patiente a été vue en consultation de suivi. " % some_date())
    doc.add("Tension %d/%d, poids %d kg, taille 1,%d m. " % (rng.randint(100, 160),
                                                           rng.randint(60, 95),
                                                           rng.randint(45, 110),
                                                           rng.randint(50, 95)))
    doc.add("Conduite à tenir : ")
    health(doc)
    doc.add(", nouveau rendez-vous dans %d semaines (chambre %d, bâtiment B).\n"
            % (rng.randint(2, 12), rng.randint(100, 450)))
    if maybe(0.5):
        doc.add("Pour mémoire, l'ancien numéro noté par erreur dans le dossier était ")
        doc.add(bad(nir, 0, nir_valid))
        doc.add(" (clé incorrecte).\n")
    if maybe(0.3):
        doc.add("Courriel du patient : ")
        doc.value("email", email(patient.first, patient.last)[1])
        doc.add("\n")
    doc.add("\nDr %s %s\n" % (doctor.first, doctor.last))


def social_file(doc):
    person = Person()
    doc.add("DOSSIER DE DEMANDE D'AIDE SOCIALE\nCentre communal d'action sociale de %s\n\n"
            % person.city)
    doc.add("Demandeur : %s %s %s\nDate de naissance : " % (person.title(), person.first,
                                                           person.last))
    doc.value("birthdate", birthdate()[1])
    doc.add("\nNIR : ")
    doc.value("nir", nir()[1])
    doc.add("\nN° allocataire CAF : %s\nTéléphone : " % digits(7))
    doc.value("phone", phone()[1])
    doc.add("\nCourriel : ")
    doc.value("email", email(person.first, person.last)[1])
    doc.add("\nPièce d'identité : ")
    if maybe(0.6):
        doc.add("carte nationale d'identité n° ")
        doc.value("cni", cni()[1])
    else:
        doc.add("passeport n° ")
        doc.value("passport", passport()[1])
    doc.add("\n\nSituation : %d enfants à charge, loyer de %d,%02d € par mois, " % (
        rng.randint(0, 5), rng.randint(300, 900), rng.randint(0, 99)))
    doc.add("ressources mensuelles de %d € (dossier %d/%04d).\n" % (
        rng.randint(500, 1800), rng.randint(2019, 2026), rng.randint(1, 9999)))
    if maybe(0.6):
        doc.add("Reconnaissance ")
        doc.value("health", "MDPH")
        doc.add(" : ")
        health(doc)
        doc.add(".\n")
    doc.add("\nCoordonnées bancaires pour le versement de l'aide :\nIBAN ")
    doc.value("iban", iban()[1])
    if maybe(0.5):
        doc.add("\nRIB : ")
        doc.value("rib", rib()[1])
    if maybe(0.5):
        doc.add("\nAncien RIB (clé erronée, refusé par la banque) : ")
        doc.add(bad(rib, 0, rib_valid))
    if maybe(0.4):
        doc.add("\nLe numéro de sécurité sociale déclaré au premier entretien, ")
        doc.add(bad(nir, 0, nir_valid))
        doc.add(", était erroné.")
    doc.add("\n\nVisa du travailleur social : %s %s, le %s\n" % (
        rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), some_date()))


def invoice(doc):
    customer = Person()
    doc.add("FACTURE N° FAC-%d-%05d\n\n" % (rng.randint(2020, 2026), rng.randint(1, 99999)))
    doc.add("%s SAS au capital de %d €, RCS %s " % (rng.choice(["Médilog", "Orthopro",
                                                                "Pharmavie", "Ambulances Rhône",
                                                                "Optique Centrale"]),
                                                    rng.choice([10000, 37000, 150000]),
                                                    rng.choice(CITIES)[0]))
    doc.value("siren", siren()[1])
    doc.add("\nSIRET : ")
    doc.value("siret", siret()[1])
    doc.add("\nTél. ")
    doc.value("phone", phone()[1])
    doc.add(" – contact : ")
    doc.value("email", email(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))[1])
    doc.add("\n\nClient : %s %s %s, %s\n\n" % (customer.title(), customer.first, customer.last,
                                                customer.address))
    total = 0
    for _ in range(rng.randint(2, 5)):
        quantity, price = rng.randint(1, 12), rng.randint(5, 400)
        total += quantity * price
        doc.add("- Article réf. %s-%03d, quantité %d, prix unitaire %d,%02d € HT\n" % (
            rng.choice(["AB", "KT", "ZX"]), rng.randint(1, 999), quantity, price,
            rng.randint(0, 99)))
    doc.add("\nTotal HT : %d,00 €, TVA 20 %% : %d,00 €, total TTC : %d,00 €\n" % (
        total, total // 5, total + total // 5))
    if maybe(0.6):
        doc.add("Réglé par carte bancaire n° ")
        doc.value("card", card()[1])
        doc.add(" le %s.\n" % some_date())
    else:
        doc.add("Règlement par virement sur l'IBAN ")
        doc.value("iban", iban()[1])
        doc.add(" avant le %s.\n" % some_date())
    if maybe(0.5):
        doc.add("Une première tentative avec la carte ")
        doc.add(bad(card, 0, luhn_valid))
        doc.add(" a été refusée.\n")
    if maybe(0.4):
        doc.add("Attention : le SIRET ")
        # The digit changed is in the SIREN part: a SIRET whose last digits are wrong
        # still holds a valid SIREN, which is reported as such.
        doc.add(bad(siret, 0, luhn_valid, 9))
        doc.add(" figurant sur le devis était erroné.\n")


def letter(doc):
    sender, recipient = Person(), Person()
    doc.add("%s %s\n%s\nTél. " % (sender.first, sender.last, sender.address))
    doc.value("phone", phone()[1])
    doc.add("\n\n%s, le %d %s %d\n\nObjet : " % (sender.city, rng.randint(1, 28),
                                               rng.choice(MONTHS), rng.randint(2020, 2026)))
    roll = rng.random()
    if roll < 0.35:
        doc.add("demande de remboursement\n\nMadame, Monsieur,\n\nJe vous prie de trouver "
                "ci-joint mes justificatifs. Mon numéro de sécurité sociale est le ")
        doc.value("nir", nir()[1])
        doc.add(" et mes coordonnées bancaires sont les suivantes : ")
        doc.value("iban", iban()[1])
        doc.add(". ")
        if maybe(0.5):
            doc.add("Mon ")
            doc.value("health", "médecin traitant")
            doc.add(" m'a prescrit ")
            health(doc)
            doc.add(" à la suite de ")
            health(doc)
            doc.add(". ")
    elif roll < 0.7:
        doc.add("résiliation de contrat\n\nMadame, Monsieur,\n\nJe souhaite résilier le "
                "contrat n° %s-%s souscrit le %s. " % (digits(4), digits(6), some_date()))
        doc.add("Merci de rembourser le trop-perçu sur le compte ")
        doc.value("iban", iban()[1])
        doc.add(". ")
        if maybe(0.5):
            doc.add("Le prélèvement sur la carte ")
            doc.value("card", card()[1])
            doc.add(" doit cesser. ")
    else:
        doc.add("attestation\n\nJe soussigné(e) %s %s, %s le " % (sender.first, sender.last,
                                                                   sender.born()))
        doc.value("birthdate", birthdate()[1])
        doc.add(" à %s, titulaire du passeport n° " % sender.city)
        doc.value("passport", passport()[1])
        doc.add(", atteste sur l'honneur héberger %s %s depuis le %s. " % (
            recipient.first, recipient.last, some_date()))
    if maybe(0.4):
        doc.add("Je vous signale que l'IBAN ")
        doc.add(bad(iban, 4, lambda compact: iban_valid(compact)))
        doc.add(" que vous m'avez indiqué est invalide. ")
    doc.add("Vous pouvez me joindre par courriel à ")
    doc.value("email", email(sender.first, sender.last)[1])
    doc.add(".\n\nJe vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.\n\n"
            "%s %s\n" % (sender.first, sender.last))


def hr_document(doc):
    employee = Person()
    doc.add("FICHE SALARIÉ – CONFIDENTIEL\n\nEmployeur : Clinique du Parc, SIRET ")
    doc.value("siret", siret()[1])
    doc.add(", FINESS ")
    doc.value("finess", finess()[1])
    doc.add("\nSalarié : %s %s %s, %s le " % (employee.title(), employee.first, employee.last,
                                              employee.born()))
    doc.value("birthdate", birthdate()[1])
    doc.add("\nMatricule : %s, entrée le %s, coefficient %d\n" % (
        digits(6), some_date(), rng.randint(150, 450)))
    doc.add("N° de sécurité sociale : ")
    doc.value("nir", nir()[1])
    doc.add("\nAdresse : %s\nTéléphone : " % employee.address)
    doc.value("phone", phone()[1])
    doc.add("\nCourriel : ")
    doc.value("email", email(employee.first, employee.last)[1])
    doc.add("\nSalaire brut mensuel : %d %03d,%02d €\nVersement sur le compte " % (
        rng.randint(1, 4), rng.randint(0, 999), rng.randint(0, 99)))
    doc.value("iban", iban()[1])
    doc.add("\n")
    if maybe(0.5):
        doc.add("Fonction : infirmier(ère), n° ADELI ")
        doc.value("adeli", adeli()[1])
        doc.add("\n")
    if maybe(0.5):
        doc.add("Pièce d'identité : carte d'identité n° ")
        doc.value("cni", cni()[1])
        doc.add("\n")
    if maybe(0.4):
        doc.add("Visite de la ")
        doc.value("health", "médecine du travail")
        doc.add(" le %s : aménagement de poste pour " % some_date())
        health(doc)
        doc.add(".\n")
    if maybe(0.4):
        doc.add("Le SIREN ")
        doc.add(bad(siren, 0, luhn_valid))
        doc.add(" et le FINESS ")
        doc.add(bad(finess, 0, luhn_valid))
        doc.add(" saisis lors de l'embauche étaient faux.\n")
    if maybe(0.3):
        doc.add("RPPS erroné à corriger : ")
        doc.add(bad(rpps, 2, luhn_valid))
        doc.add("\n")


GENERATORS = [("medical_report", medical_report), ("social_file", social_file),
              ("invoice", invoice), ("letter", letter), ("hr_document", hr_document)]


def main():
    with open(os.path.join(HERE, "documents.jsonl"), "w", encoding="utf-8") as documents, \
            open(os.path.join(HERE, "labels.jsonl"), "w", encoding="utf-8") as labels:
        for index in range(N_DOCUMENTS):
            kind, generate = GENERATORS[index % len(GENERATORS)]
            doc = Document(kind)
            generate(doc)
            identifier = "%s-%04d" % (kind, index)
            text = doc.text()
            encoded = text.encode("utf-8")
            assert all(0 <= label["start"] < label["end"] <= len(encoded) for label in doc.labels)
            documents.write(json.dumps({"id": identifier, "type": kind, "text": text},
                                       ensure_ascii=False) + "\n")
            labels.write(json.dumps({"id": identifier, "labels": doc.labels}) + "\n")


if __name__ == "__main__":
    main()
