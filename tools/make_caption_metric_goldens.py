#!/usr/bin/python3
"""Writes tests/data/evaluation/caption_metric_goldens.json: caption metric values computed by the
reference implementations that GeoLens's C++ metrics (core/evaluation) must reproduce.

  ROUGE-1, ROUGE-L  pltrdy/rouge (the pip package `rouge`), Rouge().get_scores(hyp, ref)
  METEOR            nltk.translate.meteor_score.meteor_score (nltk 3.8, WordNet 3.0)
  CIDEr-D           vrama91/cider, pyciderevalcap/ciderD (df from the corpus's references)
  Porter stems      nltk.stem.porter.PorterStemmer() (NLTK_EXTENSIONS)
  WordNet synonyms  nltk's WordNetCorpusReader.synsets() over Debian's wordnet-base files

Run with the system Python (numpy and python3-nltk installed, wordnet-base installed):

  /usr/bin/python3 tools/make_caption_metric_goldens.py --rouge-src /tmp/refsrc/rouge \
      --cider-src /tmp/refsrc/cider

--rouge-src and --cider-src are checkouts of github.com/pltrdy/rouge and github.com/vrama91/cider;
they are read, never copied into the repository. Where they are exported trees rather than git
checkouts, --rouge-commit and --cider-commit name the commits for the JSON's header.

vrama91's ciderD is Python 2 code. It is loaded here with exactly two mechanical changes so that
Python 3 runs it: xrange -> range and dict.iteritems() -> dict.items(). Nothing else is touched.

The Stanford PTB tokenizer that pycocoevalcap runs through Java is not part of those repositories'
git history (its jar is stored outside git), so CIDEr-D is fed text that GeoLens has already tokenised:
ASCII letters lower-cased, words are runs of ASCII letters and digits (and of non-ASCII
characters), everything else separates words and is dropped. captionTokens() below is that rule;
core/evaluation/CaptionTokens.cpp implements the same.
"""

import argparse
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import types

SEED = 20261203

# The 45 lexicographer files of WordNet 3.0 (wninput(5WN), lexnames(5WN)): number, name, syntactic
# category (1 noun, 2 verb, 3 adjective, 4 adverb). Debian's wordnet-base lacks this file and nltk's
# reader insists on it; only the names matter to nltk, and none of them to the metrics.
LEXNAMES = [
    ("adj.all", 3), ("adj.pert", 3), ("adv.all", 4), ("noun.Tops", 1), ("noun.act", 1),
    ("noun.animal", 1), ("noun.artifact", 1), ("noun.attribute", 1), ("noun.body", 1),
    ("noun.cognition", 1), ("noun.communication", 1), ("noun.event", 1), ("noun.feeling", 1),
    ("noun.food", 1), ("noun.group", 1), ("noun.location", 1), ("noun.motive", 1),
    ("noun.object", 1), ("noun.person", 1), ("noun.phenomenon", 1), ("noun.plant", 1),
    ("noun.possession", 1), ("noun.process", 1), ("noun.quantity", 1), ("noun.relation", 1),
    ("noun.shape", 1), ("noun.state", 1), ("noun.substance", 1), ("noun.time", 1),
    ("verb.body", 2), ("verb.change", 2), ("verb.cognition", 2), ("verb.communication", 2),
    ("verb.competition", 2), ("verb.consumption", 2), ("verb.contact", 2), ("verb.creation", 2),
    ("verb.emotion", 2), ("verb.motion", 2), ("verb.perception", 2), ("verb.possession", 2),
    ("verb.social", 2), ("verb.stative", 2), ("verb.weather", 2), ("adj.ppl", 3),
]

# Remote-sensing caption vocabulary, grouped so that generated pairs share words, synonyms and
# stems often enough to exercise every matching stage.
OBJECTS = ["plane", "airplane", "aircraft", "car", "automobile", "vehicle", "ship", "boat",
           "vessel", "building", "house", "tank", "bridge", "road", "runway", "harbor", "harbour",
           "roundabout", "court", "field", "tree", "trees", "cars", "planes", "ships", "houses",
           "lot", "pool", "stadium", "track"]
ADJECTIVES = ["big", "large", "small", "little", "white", "gray", "grey", "red", "green", "long",
              "wide", "narrow", "round", "rectangular", "dense", "parked", "empty", "busy"]
VERBS = ["parking", "parked", "parks", "park", "docked", "docking", "moving", "moves", "lies",
         "lying", "located", "situated", "surrounded", "crossing", "crosses"]
FUNCTION_WORDS = ["a", "an", "the", "of", "on", "in", "at", "near", "next", "to", "with",
                  "and", "there", "is", "are", "two", "three", "several", "many"]
PLACES = ["left", "right", "top", "bottom", "center", "corner", "side", "edge", "image", "scene",
          "area", "region"]

STEM_WORDS = sorted(set(OBJECTS + ADJECTIVES + VERBS + PLACES + [
    "caresses", "ponies", "ties", "caress", "cats", "feed", "agreed", "plastered", "bled",
    "motoring", "sing", "conflated", "troubled", "sized", "hopping", "tanned", "falling",
    "hissing", "fizzed", "failing", "filing", "happy", "sky", "skies", "dying", "lying", "tying",
    "news", "innings", "proceed", "exceed", "succeed", "relational", "conditional", "rational",
    "valenci", "hesitanci", "digitizer", "conformabli", "radicalli", "differentli", "vileli",
    "analogousli", "vietnamization", "predication", "operator", "feudalism", "decisiveness",
    "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti", "triplicate",
    "formative", "formalize", "electriciti", "electrical", "hopeful", "goodness", "revival",
    "allowance", "inference", "airliner", "gyroscopic", "adjustable", "defensible", "irritant",
    "replacement", "adjustment", "dependent", "adoption", "homologou", "communism", "activate",
    "angulariti", "homologous", "effective", "bowdlerize", "probate", "rate", "cease",
    "controll", "roll", "generously", "fully", "analogies", "apologies", "spied", "tied", "died",
    "flies", "enjoy", "enjoyment", "by", "is", "as", "a", "ion", "eed", "ying", "ies", "sses",
    "Parking", "AIRPLANES", "running", "runs", "ran", "buildings", "situated", "harbours",
    "rectangular", "densely", "crossroads", "intersection", "intersections", "residential",
    "industrial", "agricultural", "farmland", "vegetation", "logically", "theology", "hopefully",
    "abilities", "traditionally", "centralization", "organizational",
]))

SYNONYM_WORDS = ["car", "automobile", "plane", "airplane", "airplan", "aircraft", "big", "large",
                 "larg", "park", "parking", "parked", "ship", "boat", "vessel", "build", "house",
                 "tank", "bridg", "road", "runway", "harbor", "harbour", "small", "littl",
                 "white", "grey", "gray", "long", "wide", "round", "dens", "empti", "busi",
                 "dock", "move", "lie", "lying", "locat", "situat", "surround", "cross", "tree",
                 "trees", "leaves", "women", "geese", "better", "best", "biggest", "redder",
                 "runs", "ran", "went", "are", "is", "fly", "flies", "best", "well", "quickly",
                 "Car", "AIRPLANE", "u.s.", "new_york", "", "zzzzz", "near", "center"]


def python_ascii_lower(text):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def caption_tokens(text):
    """GeoLens's caption tokenisation (core/evaluation/CaptionTokens.cpp)."""
    return re.findall(r"[a-z0-9\u0080-\U0010ffff]+", python_ascii_lower(text))


def load_rouge(rouge_src):
    sys.path.insert(0, os.path.abspath(rouge_src))
    import rouge  # noqa: E402  (pltrdy/rouge)
    return rouge


def load_module_from_source(name, path, source):
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    exec(compile(source, path, "exec"), module.__dict__)
    return module


def load_cider_d(cider_src):
    folder = os.path.join(os.path.abspath(cider_src), "pyciderevalcap", "ciderD")
    for name in ["ciderD_scorer", "ciderD"]:
        path = os.path.join(folder, name + ".py")
        with open(path, encoding="utf-8") as f:
            source = f.read()
        source = source.replace("xrange(", "range(").replace(".iteritems()", ".items()")
        load_module_from_source(name, path, source)
    return sys.modules["ciderD"].CiderD


def open_wordnet(wordnet_dir, scratch):
    from nltk.corpus.reader.wordnet import WordNetCorpusReader
    folder = os.path.join(scratch, "wordnet")
    os.makedirs(folder)
    for name in os.listdir(wordnet_dir):
        os.symlink(os.path.join(wordnet_dir, name), os.path.join(folder, name))
    with open(os.path.join(folder, "lexnames"), "w") as f:
        for number, (name, category) in enumerate(LEXNAMES):
            f.write("%02d\t%s\t%d\n" % (number, name, category))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "multilingual functions are not available"
        return WordNetCorpusReader(folder, None)


def git_head(folder):
    try:
        return subprocess.run(["git", "-C", folder, "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def random_caption(rng, min_words, max_words):
    words = []
    for _ in range(rng.randint(min_words, max_words)):
        group = rng.choice([OBJECTS, OBJECTS, ADJECTIVES, VERBS, FUNCTION_WORDS, FUNCTION_WORDS,
                            PLACES])
        words.append(rng.choice(group))
    return " ".join(words)


def perturb(rng, caption):
    """A candidate that shares part of a reference: words dropped, swapped for a related word,
    repeated or moved."""
    related = {"plane": "airplane", "airplane": "aircraft", "car": "automobile", "cars": "car",
               "big": "large", "large": "big", "small": "little", "parked": "parking",
               "parking": "parks", "ship": "boat", "boat": "vessel", "grey": "gray",
               "harbor": "harbour", "houses": "house", "lying": "lies", "docked": "docking",
               "building": "buildings", "located": "situated", "crossing": "crosses"}
    words = caption.split()
    out = []
    for word in words:
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.45 and word in related:
            out.append(related[word])
        elif roll < 0.55:
            out.extend([word, word])
        else:
            out.append(word)
    if out and rng.random() < 0.3:
        i, j = rng.randrange(len(out)), rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    if rng.random() < 0.3:
        out.append(rng.choice(PLACES))
    return " ".join(out)


def make_cases(rng):
    cases = [
        ("identical", "a large white plane parked near the runway",
         ["a large white plane parked near the runway"]),
        ("synonyms plane/airplane big/large", "a big plane on the runway",
         ["a large airplane on the runway"]),
        ("synonyms car/automobile", "two cars parked in the lot",
         ["two automobiles parked in the parking lot"]),
        ("stems parking/parked/parks", "a car parks near the parking lot",
         ["the cars parked next to the park"]),
        ("repeated words", "plane plane plane plane on the runway",
         ["a plane on the runway"]),
        ("repeated words in the reference", "a ship in the harbor",
         ["ship ship and another ship in the harbor harbor"]),
        ("empty candidate", "", ["a small boat docked at the pier"]),
        ("whitespace-only candidate", "   ", ["a small boat docked at the pier"]),
        ("candidate longer than reference",
         "there is a very large white airplane parked on the wide gray runway near the terminal "
         "building at the left side of the image",
         ["a plane on the runway"]),
        ("reference longer than candidate", "a tank",
         ["a large round white storage tank surrounded by several smaller tanks at the right"]),
        ("no overlap", "green trees", ["a red ship"]),
        ("several references", "a white ship docked in the harbour",
         ["a large ship in the harbor", "the white vessel is docked at the pier",
          "one boat moored in a harbour"]),
        ("several references, one exact", "the bridge crosses the river",
         ["a road bridge over water", "the bridge crosses the river", "a bridge"]),
        ("upper case and punctuation", "A Large PLANE, parked. Near the Runway!",
         ["a large plane parked near the runway."]),
        ("sentences and empty sentences", "a plane. . on the runway.",
         ["a plane is on the runway. it is white."]),
        ("numbers with a decimal point", "3.5 km long runway", ["a 3.5 km runway"]),
        ("word order reversed", "runway the near parked plane white large a",
         ["a large white plane parked near the runway"]),
        ("irregular forms", "geese flying over the lying trees",
         ["a goose flies over the lie tree"]),
        ("adjective satellites and comparatives", "a bigger and larger building",
         ["the biggest and largest house"]),
        ("single word each", "roundabout", ["roundabout"]),
        ("single word, different", "roundabout", ["intersection"]),
        ("tabs and newlines", "a\tlarge\nplane", ["a large plane"]),
    ]
    while len(cases) < 62:
        reference_count = 1 if rng.random() < 0.7 else rng.randint(2, 4)
        references = [random_caption(rng, 4, 14) for _ in range(reference_count)]
        source = rng.choice(references)
        candidate = perturb(rng, source) if rng.random() < 0.85 else random_caption(rng, 3, 12)
        cases.append(("random %d" % len(cases), candidate, references))
    return cases


def rouge_value(rouge_module, candidate, reference):
    try:
        score = rouge_module.Rouge().get_scores(candidate, reference)[0]
    except ValueError as error:
        return {"error": str(error)}
    return {"rouge1": score["rouge-1"]["f"], "rougeL": score["rouge-l"]["f"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rouge-src", required=True, help="checkout of github.com/pltrdy/rouge")
    parser.add_argument("--cider-src", required=True, help="checkout of github.com/vrama91/cider")
    parser.add_argument("--rouge-commit", help="the commit of --rouge-src when it is no git checkout")
    parser.add_argument("--cider-commit", help="the commit of --cider-src when it is no git checkout")
    parser.add_argument("--wordnet-dir", default="/usr/share/wordnet")
    parser.add_argument("--output", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "evaluation",
        "caption_metric_goldens.json"))
    args = parser.parse_args()

    import nltk
    import numpy
    from nltk.stem.porter import PorterStemmer
    from nltk.translate.meteor_score import meteor_score

    rouge_module = load_rouge(args.rouge_src)
    CiderD = load_cider_d(args.cider_src)
    scratch = tempfile.mkdtemp(prefix="geolens-goldens-")
    wordnet = open_wordnet(args.wordnet_dir, scratch)
    stemmer = PorterStemmer()

    rng = random.Random(SEED)
    cases = make_cases(rng)

    pairs = []
    for name, candidate, references in cases:
        meteor = meteor_score([r.split() for r in references], candidate.split(),
                              wordnet=wordnet)
        pairs.append({
            "name": name,
            "candidate": candidate,
            "references": references,
            "rouge": [rouge_value(rouge_module, candidate, r) for r in references],
            "meteor": meteor,
        })

    # CIDEr-D over the whole set as one corpus (document frequencies from all its references),
    # and over a small corpus of the first eight pairs.
    def cider_d(selected):
        gts = {i: [" ".join(caption_tokens(r)) for r in pairs[i]["references"]] for i in selected}
        res = [{"image_id": i, "caption": [" ".join(caption_tokens(pairs[i]["candidate"]))]}
               for i in selected]
        score, scores = CiderD(n=4, sigma=6.0, df="corpus").compute_score(gts, res)
        return float(score), [float(s) for s in scores]

    corpus_score, corpus_scores = cider_d(list(range(len(pairs))))
    for pair, score in zip(pairs, corpus_scores):
        pair["ciderD"] = score
    small_score, small_scores = cider_d(list(range(8)))

    synonyms = {}
    for word in SYNONYM_WORDS:
        names = []
        for synset in wordnet.synsets(word):
            for lemma in synset.lemmas():
                if lemma.name() not in names:
                    names.append(lemma.name())
        synonyms[word] = names

    golden = {
        "description": "Caption metric values from the reference implementations; written by "
                       "tools/make_caption_metric_goldens.py, checked by "
                       "tests/engine/tst_caption_metrics.cpp.",
        "references": {
            "rouge": {"repository": "github.com/pltrdy/rouge",
                      "commit": args.rouge_commit or git_head(args.rouge_src),
                      "call": "rouge.Rouge().get_scores(candidate, reference)[0]"
                              "['rouge-1'|'rouge-l']['f'], one value per reference; "
                              "{\"error\": ...} where it raises ValueError"},
            "meteor": {"package": "nltk " + nltk.__version__,
                       "call": "nltk.translate.meteor_score.meteor_score("
                               "[r.split() for r in references], candidate.split(), "
                               "wordnet=WordNet 3.0 from wordnet-base)"},
            "ciderD": {"repository": "github.com/vrama91/cider",
                       "commit": args.cider_commit or git_head(args.cider_src),
                       "call": "pyciderevalcap/ciderD CiderD(n=4, sigma=6.0, df='corpus')"
                               ".compute_score over all pairs, captions tokenised by GeoLens "
                               "(lower case, words of ASCII letters and digits) and joined by "
                               "spaces; run on Python 3 with xrange->range, "
                               "iteritems->items",
                       "numpy": numpy.__version__},
            "porter": "nltk " + nltk.__version__ + " PorterStemmer() (NLTK_EXTENSIONS)",
            "wordnet": "nltk " + nltk.__version__ + " WordNetCorpusReader over " +
                       args.wordnet_dir + " (Debian wordnet-base, WordNet 3.0)",
            "seed": SEED,
        },
        "pairs": pairs,
        "ciderDCorpus": {"pairs": "all", "score": corpus_score},
        "ciderDSmallCorpus": {"pairs": list(range(8)), "score": small_score,
                              "scores": small_scores},
        "porterStems": {w: stemmer.stem(w) for w in STEM_WORDS},
        "wordnetSynonyms": synonyms,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote %s: %d pairs" % (args.output, len(pairs)))


if __name__ == "__main__":
    main()
