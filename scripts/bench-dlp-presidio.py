"""Runs Presidio over the pli-dlp corpus and prints both tools' speed and accuracy.

Called by scripts/bench-dlp-presidio with the corpus directory and the JSON summary of
`cargo bench -p pli-dlp --bench accuracy -- --json`. Both tools are scored the same way: a
finding counts when a label has its kind and exactly its byte span.
"""
import json
import os
import sys
import time

# Presidio's email recognizer uses tldextract, which by default downloads the public suffix
# list: no URL makes it use the snapshot it ships, and the benchmark stays off the network.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: E402
from presidio_analyzer.predefined_recognizers import (  # noqa: E402
    CreditCardRecognizer, DateRecognizer, EmailRecognizer, IbanRecognizer, PhoneRecognizer,
    SpacyRecognizer)

# Presidio's entities and the pli-dlp kinds they correspond to. Presidio has no recognizer
# for the French identifiers (NIR, RIB, FINESS, RPPS, ADELI, SIREN, SIRET, CNI, passport)
# nor for health terms.
ENTITIES = {
    "CREDIT_CARD": "card",
    "IBAN_CODE": "iban",
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "DATE_TIME": "birthdate",
}
KINDS = ["nir", "iban", "rib", "card", "finess", "rpps", "adeli", "siren", "siret", "cni",
         "passport", "phone", "email", "birthdate", "health"]


def load(directory):
    documents = {}
    with open(os.path.join(directory, "documents.jsonl"), encoding="utf-8") as lines:
        for line in lines:
            entry = json.loads(line)
            documents[entry["id"]] = {"text": entry["text"], "labels": []}
    with open(os.path.join(directory, "labels.jsonl"), encoding="utf-8") as lines:
        for line in lines:
            entry = json.loads(line)
            documents[entry["id"]]["labels"] = [
                (label["kind"], label["start"], label["end"]) for label in entry["labels"]]
    return documents


def analyzer():
    """Presidio for French: spaCy's fr_core_news_sm if installed, else a blank pipeline."""
    try:
        import fr_core_news_sm  # noqa: F401
        model = "fr_core_news_sm"
        provider = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "fr", "model_name": model}],
        })
        nlp_engine = provider.create_engine()
    except ImportError:
        import spacy
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        model = "blank French pipeline (fr_core_news_sm unavailable): pattern recognizers only"
        nlp_engine = SpacyNlpEngine(models=[{"lang_code": "fr", "model_name": "blank"}])
        nlp_engine.nlp = {"fr": spacy.blank("fr")}
    registry = RecognizerRegistry(supported_languages=["fr"])
    for recognizer in [
        CreditCardRecognizer(supported_language="fr"),
        IbanRecognizer(supported_language="fr"),
        EmailRecognizer(supported_language="fr"),
        PhoneRecognizer(supported_language="fr", supported_regions=("FR",)),
        DateRecognizer(supported_language="fr"),
        SpacyRecognizer(supported_language="fr"),
    ]:
        registry.add_recognizer(recognizer)
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["fr"])
    return engine, model


def byte_offsets(text):
    """offsets[i]: the byte offset of character i (and of the end, at len(text))."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(char.encode("utf-8")))
    return offsets


def main():
    directory, pli_path = sys.argv[1], sys.argv[2]
    with open(pli_path, encoding="utf-8") as summary:
        pli = json.load(summary)
    documents = load(directory)
    engine, model = analyzer()
    # Warm up (model loading, caches) outside the timing.
    engine.analyze(text="Tél. 06 12 34 56 78", language="fr")
    results = {}
    wall = time.perf_counter()
    cpu = time.process_time()
    for identifier, document in documents.items():
        results[identifier] = engine.analyze(text=document["text"], language="fr",
                                             entities=list(ENTITIES) + ["PERSON", "LOCATION"])
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    n_bytes = sum(len(document["text"].encode("utf-8")) for document in documents.values())

    tallies = {kind: {"tp": 0, "fp": 0, "fn": 0} for kind in KINDS}
    for identifier, document in documents.items():
        offsets = byte_offsets(document["text"])
        found = set()
        for result in results[identifier]:
            kind = ENTITIES.get(result.entity_type)
            if kind is not None:
                found.add((kind, offsets[result.start], offsets[result.end]))
        labels = set(document["labels"])
        for span in found:
            if span in labels:
                tallies[span[0]]["tp"] += 1
            elif span[0] != "birthdate":
                # Presidio finds every date; only those labelled birthdates are scored.
                tallies[span[0]]["fp"] += 1
        for span in labels:
            if span not in found:
                tallies[span[0]]["fn"] += 1

    def ratio(numerator, denominator):
        return "%.3f" % (numerator / denominator) if denominator else "–"

    print("Corpus: %d documents, %.2f MB; Presidio %s with %s"
          % (len(documents), n_bytes / 1e6, "2.2.366", model))
    print()
    print("| tool | MB/s (CPU time, one core) |")
    print("|---|---|")
    print("| pli-dlp | %.1f |" % pli["mb_per_s"])
    print("| Presidio | %.3f (wall %.3f) |" % (n_bytes / cpu / 1e6, n_bytes / wall / 1e6))
    print()
    print("| kind | labels | pli-dlp precision | pli-dlp recall | Presidio precision | Presidio recall |")
    print("|---|---|---|---|---|---|")
    for kind in KINDS:
        ours = pli["kinds"][kind]
        theirs = tallies[kind]
        labelled = ours["tp"] + ours["fn"]
        supported = kind in ENTITIES.values()
        presidio_precision = ratio(theirs["tp"], theirs["tp"] + theirs["fp"]) if supported else "not detected"
        if kind == "birthdate":
            presidio_precision = "n/a (any date)"
        presidio_recall = ratio(theirs["tp"], theirs["tp"] + theirs["fn"]) if supported else "not detected"
        print("| %s | %d | %s | %s | %s | %s |" % (
            kind, labelled, ratio(ours["tp"], ours["tp"] + ours["fp"]),
            ratio(ours["tp"], labelled), presidio_precision, presidio_recall))


if __name__ == "__main__":
    main()
