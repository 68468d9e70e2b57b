"""The arXiv and Hugging Face importers, and polite fetching, without the network.

Fixtures in tests/fixtures/ are hand-written from arXiv's API user manual and its
RSS/Atom announcement feed specifications, and from the shape of Hugging Face's
/api/daily_papers response.
"""

from __future__ import annotations

import datetime as dt
import email.message
import io
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from generator.errors import ImportError_
from generator.importing import fetch
from generator.importing.arxiv import parse_arxiv, split_arxiv_id
from generator.importing.fetch import RateLimiter, fetch_arxiv, fetch_hf_daily
from generator.importing.hf_daily import parse_hf_daily
from generator.importing.records import ImportedPaper
from generator.model import Link

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def arxiv_links(arxiv_id: str, *extra: Link) -> tuple[Link, ...]:
    return (Link("arxiv", f"https://arxiv.org/abs/{arxiv_id}"), Link("pdf", f"https://arxiv.org/pdf/{arxiv_id}"),
            *extra)


CAUSALPFN_ABSTRACT = (
    "Causal effect estimation from observational data is hard when the confounders are many. We train a "
    "transformer on simulated data to estimate effects in context, with no tuning per dataset. Code is at "
    "https://github.com/vdblm/CausalPFN."
)
MASS_CONCENTRATION = ImportedPaper(
    title="Mass concentration in rescaled first order integral functionals",
    abstract=(r"We consider first order local minimization problems of the form $\min \int_{\mathbb{R}^N}f(u,\nabla u)$ "
              r"under a mass constraint $\int_{\mathbb{R}^N}u=m$."),
    id="2203.01250",
    authors=("Antonin Monteil", "Paul Pegon"),
    links=arxiv_links("2203.01250"),
    line=2,
    published=dt.date(2024, 2, 23),
    arxiv="2203.01250",
    doi="10.5802/jep.257",
    categories=("math.AP", "math.OC"),
    journal_ref=r"Journal de l'\'Ecole polytechnique - Math\'ematiques, Tome 11 (2024), pp. 431-472",
)


# --------------------------------------------------------------------------- arXiv API


def test_api_entry_every_field() -> None:
    papers = parse_arxiv(read("arxiv_api.xml"), "arxiv_api.xml")
    assert papers[0] == ImportedPaper(
        title="CausalPFN: Amortized Causal Effect Estimation via In-Context Learning",
        abstract=(CAUSALPFN_ABSTRACT + " The published version is https://doi.org/10.1000/xyz123, and related "
                  "work is arXiv https://arxiv.org/abs/2301.00001."),
        id="2401.01234",
        authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"),
        # The DOI link and the cited arXiv paper are not links of this paper; the comment's project page is.
        links=arxiv_links("2401.01234", Link("code", "https://github.com/vdblm/CausalPFN"),
                          Link("project", "https://causalpfn.example.org/")),
        line=1,
        published=dt.date(2024, 1, 2),
        arxiv="2401.01234",
        doi="10.1000/xyz123",
        categories=("stat.ML", "cs.LG", "cs.AI"),  # primary first, no duplicate, no ACM class I.2.6
        journal_ref="Proc. Mach. Learn. Res. 235 (2024) 1-12",
    )


def test_api_old_style_id() -> None:
    paper = parse_arxiv(read("arxiv_api.xml"), "arxiv_api.xml")[1]
    assert paper == ImportedPaper(
        title="Boundary Conditions in String Theory",
        abstract="We study boundary conditions for open strings and their dualities.",
        id="hep-th/9901001",
        authors=("J. Doe",),
        links=arxiv_links("hep-th/9901001"),
        line=2,
        published=dt.date(1999, 1, 4),
        arxiv="hep-th/9901001",
        categories=("hep-th", "gr-qc"),
    )


def test_api_versions_of_one_paper_are_both_returned() -> None:
    papers = parse_arxiv(read("arxiv_api.xml"), "arxiv_api.xml")
    assert len(papers) == 4
    v1, v3 = papers[2], papers[3]
    assert (v1.id, v3.id) == ("2312.09876", "2312.09876")
    assert (v1.title, v3.title) == ("Sparse Mixtures of Low-Rank Adapters",
                                    "Sparse Mixtures of Low-Rank Adapters, Revisited")
    assert v1.links == arxiv_links("2312.09876", Link("data", "https://huggingface.co/datasets/org/lora-mix"))
    assert v3 == ImportedPaper(
        title="Sparse Mixtures of Low-Rank Adapters, Revisited",
        abstract="We mix LoRA adapters sparsely, and revisit the routing.",
        id="2312.09876",
        authors=("Emmy Noether", "David Hilbert"),
        links=arxiv_links("2312.09876"),
        line=4,
        published=dt.date(2023, 12, 15),  # the first version's date, as arXiv gives it
        arxiv="2312.09876",
        categories=("cs.CL", "cs.LG"),
    )


def test_api_error_entry_raises() -> None:
    with pytest.raises(ImportError_) as caught:
        parse_arxiv(read("arxiv_api_error.xml"), "query.xml")
    assert str(caught.value) == ("query.xml: arXiv returned an error: incorrect id format for 1234.12345; "
                                 "check the query")


def test_api_empty_result() -> None:
    assert parse_arxiv(read("arxiv_api_empty.xml"), "empty.xml") == []


# --------------------------------------------------------------------------- announcement feeds


def test_rss_feed_every_field() -> None:
    papers = parse_arxiv(read("arxiv_rss.xml"), "math.OC.rss")
    assert papers == [
        ImportedPaper(
            title="Convex Relaxations for Optimal Transport with Gradient Constraints",
            abstract=("We study optimal transport problems with constraints on the gradient of the potential. "
                      "Code: https://gitlab.com/ot-group/gradot."),
            id="2402.14001",
            authors=("Sofia Kovalevskaya", "Henri Poincare", "Marie Curie"),
            links=arxiv_links("2402.14001", Link("code", "https://gitlab.com/ot-group/gradot")),
            line=1,
            published=dt.date(2024, 2, 23),
            arxiv="2402.14001",
            categories=("math.OC", "cs.LG"),
        ),
        MASS_CONCENTRATION,
    ]


def test_atom_feed_every_field() -> None:
    papers = parse_arxiv(read("arxiv_atom_feed.xml"), "math.OC.atom")
    assert papers[0] == ImportedPaper(**{**MASS_CONCENTRATION.__dict__, "line": 1})
    assert papers[1] == ImportedPaper(
        title="A Projection Method for Stochastic Bilevel Problems",
        abstract="We propose a projection method for stochastic bilevel optimization. See "
                 "https://bilevel.example.net/demo for a demo.",
        id="2402.14002",
        authors=("Lin Wei",),
        links=arxiv_links("2402.14002", Link("project", "https://bilevel.example.net/demo")),
        line=2,
        published=dt.date(2024, 2, 23),
        arxiv="2402.14002",
        categories=("math.OC",),
    )


def test_empty_rss_channel() -> None:
    text = '<?xml version="1.0"?><rss version="2.0"><channel><title>cs.LG</title></channel></rss>'
    assert parse_arxiv(text, "weekend.rss") == []


# --------------------------------------------------------------------------- unreadable XML


def test_malformed_xml_names_line_and_column() -> None:
    text = '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n  <entry>\n  </feed>\n'
    with pytest.raises(ImportError_) as caught:
        parse_arxiv(text, "broken.xml")
    assert str(caught.value) == ("broken.xml:4: malformed XML at line 4, column 5: mismatched tag; expected an "
                                 "arXiv API response or announcement feed as downloaded")


def test_doctype_is_refused_before_parsing() -> None:
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
              ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
              '<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol2;</title></feed>\n')
    with pytest.raises(ImportError_) as caught:
        parse_arxiv(laughs, "evil.xml")
    assert str(caught.value) == ("evil.xml:2: the document declares a DOCTYPE or entity, which arXiv never sends; "
                                 "refusing it (entities can expand without bound); use the file arXiv returned")


@pytest.mark.parametrize(("text", "message"), [
    ("", "x.xml: the file is empty; expected an arXiv API response or announcement feed"),
    ("Rate exceeded.", "x.xml: arXiv answered 'Rate exceeded.' instead of a feed; wait a few minutes and fetch again"),
    ("<html><body>hi</body></html>", "x.xml:1: the root element is <html>, not an Atom <feed> or RSS <rss>; "
                                     "expected an arXiv API response or announcement feed"),
    ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://example.org/1</id></entry></feed>',
     "x.xml: entry 1: 'http://example.org/1' is not an arXiv id or abs URL "
     "(like http://arxiv.org/abs/2401.01234v2 or oai:arXiv.org:2401.01234v1)"),
    ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>'
     '<title>T</title><published>yesterday</published></entry></feed>',
     "x.xml: entry 1: <published> 'yesterday' is not an ISO date like 2024-01-02T18:59:59Z; "
     "the file may be damaged, fetch it again"),
])
def test_unreadable_arxiv_input(text: str, message: str) -> None:
    with pytest.raises(ImportError_) as caught:
        parse_arxiv(text, "x.xml")
    assert str(caught.value) == message


@pytest.mark.parametrize(("raw", "expected"), [
    ("http://arxiv.org/abs/2401.01234v2", "2401.01234"),
    ("https://arxiv.org/abs/2401.01234", "2401.01234"),
    ("https://arxiv.org/pdf/2401.01234v3.pdf", "2401.01234"),
    ("oai:arXiv.org:2203.01250v3", "2203.01250"),
    ("http://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"),
    ("math.GT/0309136", "math.GT/0309136"),
    ("arXiv:0704.0001", "0704.0001"),
    ("2401.01234v12", "2401.01234"),
    ("10.1000/xyz123", None),
    ("http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345", None),
])
def test_split_arxiv_id(raw: str, expected: str | None) -> None:
    assert split_arxiv_id(raw) == expected


# --------------------------------------------------------------------------- Hugging Face daily papers


def test_hf_daily_every_field() -> None:
    papers = parse_hf_daily(read("hf_daily.json"), "2024-01-04.json")
    assert papers == [
        ImportedPaper(
            title="CausalPFN: Amortized Causal Effect Estimation via In-Context Learning",
            abstract=CAUSALPFN_ABSTRACT,
            id="2401.01234",
            authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"),  # a hidden author is still an author
            links=arxiv_links("2401.01234", Link("code", "https://github.com/vdblm/CausalPFN"),
                              Link("project", "https://causalpfn.example.org/")),
            line=1,
            published=dt.date(2024, 1, 2),
            arxiv="2401.01234",
        ),
        ImportedPaper(
            title="Orbit: Trajectory Tokens for Video Generation",
            abstract=("We tokenize trajectories. Weights: https://huggingface.co/org/orbit-7b and data at "
                      "https://huggingface.co/datasets/org/orbit-trajectories."),
            id="2401.05555",  # the version in paper.id is dropped
            authors=("Katherine Johnson", "Dorothy Vaughan"),
            links=arxiv_links("2401.05555", Link("code", "https://github.com/org/orbit"),
                              Link("project", "https://orbit.example.io"),
                              Link("project", "https://huggingface.co/org/orbit-7b"),
                              Link("data", "https://huggingface.co/datasets/org/orbit-trajectories")),
            line=2,
            published=dt.date(2024, 1, 3),
            arxiv="2401.05555",
        ),
        ImportedPaper(
            title="Partitions of Attention Heads",
            abstract="We partition attention heads into groups.",
            id="2401.07777",
            authors=("Srinivasa Ramanujan",),
            links=arxiv_links("2401.07777"),  # an empty projectPage is no link
            line=3,
            published=dt.date(2024, 1, 3),
            arxiv="2401.07777",
        ),
    ]


def test_hf_and_arxiv_agree_on_a_shared_paper() -> None:
    from_hf = parse_hf_daily(read("hf_daily.json"), "hf.json")[0]
    from_api = parse_arxiv(read("arxiv_api.xml"), "api.xml")[0]
    assert (from_hf.id, from_hf.title, from_hf.published) == (from_api.id, from_api.title, from_api.published)


def test_hf_ignores_non_http_project_links() -> None:
    text = ('[{"paper": {"id": "2401.00001", "title": "T", "summary": "S", '
            '"githubRepo": "git@github.com:org/x.git", "projectPage": "javascript:alert(1)"}}]')
    assert parse_hf_daily(text, "x.json")[0].links == arxiv_links("2401.00001")


def test_hf_title_falls_back_to_the_item() -> None:
    text = '[{"paper": {"id": "2401.00001", "summary": "S"}, "title": "Item title"}]'
    assert parse_hf_daily(text, "x.json")[0].title == "Item title"


def test_hf_empty_day() -> None:
    assert parse_hf_daily("[]", "x.json") == []


@pytest.mark.parametrize(("text", "message"), [
    ('[{"paper": {"id": "1",}}]',
     "x.json:1: invalid JSON at line 1, column 23: Expecting property name enclosed in double quotes; "
     "expected the JSON list https://huggingface.co/api/daily_papers returns, as downloaded"),
    ('[\n  {"paper": {"id": "2401.00001", "title": "T"}}\n  {}\n]',
     "x.json:3: invalid JSON at line 3, column 3: Expecting ',' delimiter; "
     "expected the JSON list https://huggingface.co/api/daily_papers returns, as downloaded"),
    ("  ", "x.json: the file is empty; expected the JSON list https://huggingface.co/api/daily_papers returns"),
    ('{"papers": []}', "x.json: expected a JSON list of daily papers, found a JSON object; "
                       "save the response of https://huggingface.co/api/daily_papers?date=YYYY-MM-DD unchanged"),
    ('{"error": "Invalid date"}', "x.json: Hugging Face returned an error: Invalid date; check the date"),
    ('[{"paper": {"id": "2401.00001", "title": "T"}}, {"paper": {"title": "U"}}]',
     "x.json: item 2: missing key 'paper.id' (or it is empty); each item needs paper.id and a title, "
     "as the daily_papers API returns them"),
    ('[{"paper": {"id": "2401.00001"}}]',
     "x.json: item 1: missing key 'paper.title' (or it is empty); each item needs paper.id and a title, "
     "as the daily_papers API returns them"),
    ('[{"title": "T"}]',
     "x.json: item 1: missing key 'paper' (or it is empty); each item needs paper.id and a title, "
     "as the daily_papers API returns them"),
    ('["2401.00001"]', "x.json: item 1: expected an object, found a JSON string"),
    ('[{"paper": {"id": "2401.00001", "title": "T", "publishedAt": "soon"}}]',
     "x.json: item 1: publishedAt 'soon' is not an ISO date like 2024-01-22T18:59:59.000Z"),
])
def test_unreadable_hf_input(text: str, message: str) -> None:
    with pytest.raises(ImportError_) as caught:
        parse_hf_daily(text, "x.json")
    assert str(caught.value) == message


# --------------------------------------------------------------------------- fetching, without the network


class FakeClock:
    """A monotonic clock that only moves when someone sleeps or a fake request takes time."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FakeResponse:
    def __init__(self, body: bytes, content_type: str = "application/atom+xml; charset=utf-8") -> None:
        self.body = body
        self.headers = email.message.Message()
        self.headers["Content-Type"] = content_type

    def read(self, size: int = -1) -> bytes:  # as http.client's: the rest, or up to size bytes
        size = len(self.body) if size < 0 else size
        chunk, self.body = self.body[:size], self.body[size:]
        return chunk

    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def http_error(code: int, retry_after: str | None = None, body: bytes = b"") -> urllib.error.HTTPError:
    headers = email.message.Message()
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return urllib.error.HTTPError("https://example.org/", code, "Service Unavailable" if code == 503 else "Error",
                                  headers, io.BytesIO(body))


class FakeOpener:
    """Answers each request with the next outcome (a body or an exception), recording when it came."""

    def __init__(self, clock: FakeClock, *outcomes: bytes | Exception, duration: float = 0.5) -> None:
        self.clock = clock
        self.outcomes = list(outcomes)
        self.duration = duration
        self.requests: list[tuple[float, urllib.request.Request, float]] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        self.requests.append((self.clock.now, request, timeout))
        self.clock.now += self.duration  # a request takes time
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return FakeResponse(outcome)

    @property
    def times(self) -> list[float]:
        return [when for when, _, _ in self.requests]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter(clock: FakeClock) -> RateLimiter:
    return RateLimiter(3.0, clock=clock, sleep=clock.sleep)


def test_fetch_arxiv_request(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, b"<feed/>")
    assert fetch_arxiv("cat:cs.LG AND ti:causal", max_results=5, opener=opener, limiter=limiter) == "<feed/>"
    (_, request, timeout), = opener.requests
    assert request.full_url == ("https://export.arxiv.org/api/query?search_query=cat%3Acs.LG+AND+ti%3Acausal"
                                "&start=0&max_results=5&sortBy=submittedDate&sortOrder=descending")
    assert "research-digest" in request.get_header("User-agent")
    assert timeout == fetch.TIMEOUT


def test_fetch_hf_daily_request(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, b"[]")
    assert fetch_hf_daily(dt.date(2024, 1, 4), opener=opener, limiter=limiter) == "[]"
    assert opener.requests[0][1].full_url == "https://huggingface.co/api/daily_papers?date=2024-01-04"


def test_second_request_waits_three_seconds_after_the_first(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, b"<feed/>", b"[]")
    fetch_arxiv("all:electron", opener=opener, limiter=limiter)
    fetch_hf_daily(dt.date(2024, 1, 4), opener=opener, limiter=limiter)
    assert opener.times == [100.0, 103.0]
    assert clock.sleeps == [2.5]  # the first request took 0.5 s of the 3


def test_no_wait_when_the_interval_has_passed(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, b"[]", b"[]")
    fetch_hf_daily(dt.date(2024, 1, 4), opener=opener, limiter=limiter)
    clock.now += 10
    fetch_hf_daily(dt.date(2024, 1, 5), opener=opener, limiter=limiter)
    assert opener.times == [100.0, 110.5]
    assert clock.sleeps == []


def test_module_limiter_is_the_default(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "LIMITER", RateLimiter(3.0, clock=clock, sleep=clock.sleep))
    opener = FakeOpener(clock, b"[]", b"[]")
    fetch_hf_daily(dt.date(2024, 1, 4), opener=opener)
    fetch_hf_daily(dt.date(2024, 1, 5), opener=opener)
    assert opener.times == [100.0, 103.0]


def test_default_limiter_uses_real_monotonic_clock() -> None:
    assert fetch.LIMITER.clock is time.monotonic and fetch.LIMITER.interval == 3.0


def test_retries_503_with_backoff_then_succeeds(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, http_error(503), http_error(503), b"<feed/>")
    assert fetch_arxiv("all:electron", opener=opener, limiter=limiter) == "<feed/>"
    # backoff 3 s then 6 s, measured from the failure
    assert opener.times == [100.0, 103.5, 110.0]


def test_retry_after_is_honoured(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, http_error(429, retry_after="20"), b"[]")
    assert fetch_hf_daily(dt.date(2024, 1, 4), opener=opener, limiter=limiter) == "[]"
    assert opener.times == [100.0, 120.5]


def test_retry_after_also_holds_back_the_next_call(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, http_error(503, retry_after="10"), http_error(503, retry_after="10"),
                        http_error(503, retry_after="10"))
    with pytest.raises(ImportError_) as caught:
        fetch_arxiv("all:electron", opener=opener, limiter=limiter)
    assert str(caught.value) == ("export.arxiv.org did not answer after 3 attempts (last: HTTP 503 Service "
                                 "Unavailable); try again later, or import a saved file with `digest import arxiv FILE`")
    assert opener.times == [100.0, 110.5, 121.0]
    opener.outcomes.append(b"<feed/>")
    fetch_arxiv("all:electron", opener=opener, limiter=limiter)
    assert opener.times[-1] == 131.5


def test_long_retry_after_gives_up(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, http_error(503, retry_after="3600"))
    with pytest.raises(ImportError_) as caught:
        fetch_arxiv("all:electron", opener=opener, limiter=limiter)
    assert str(caught.value) == ("export.arxiv.org is busy (HTTP 503 Service Unavailable) and asks to wait "
                                 "3600 s; try again later")


def test_offline_message(clock: FakeClock, limiter: RateLimiter) -> None:
    offline = urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))
    opener = FakeOpener(clock, offline)
    with pytest.raises(ImportError_) as caught:
        fetch_arxiv("all:electron", opener=opener, limiter=limiter)
    assert str(caught.value) == ("cannot reach export.arxiv.org ([Errno -3] Temporary failure in name resolution); "
                                 "check your connection, or import a saved file with `digest import arxiv FILE`")
    assert len(opener.requests) == 1  # no point retrying without a network


def test_offline_message_hf(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")))
    with pytest.raises(ImportError_) as caught:
        fetch_hf_daily(dt.date(2024, 1, 4), opener=opener, limiter=limiter)
    assert str(caught.value) == ("cannot reach huggingface.co ([Errno 111] Connection refused); check your "
                                 "connection, or import a saved file with `digest import hf-daily FILE`")


def test_timeouts_are_retried(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, urllib.error.URLError(TimeoutError("timed out")), TimeoutError("timed out"), b"[]")
    assert fetch_hf_daily(dt.date(2024, 1, 4), opener=opener, limiter=limiter) == "[]"
    assert len(opener.requests) == 3


def test_client_error_is_not_retried(clock: FakeClock, limiter: RateLimiter) -> None:
    opener = FakeOpener(clock, http_error(404))
    with pytest.raises(ImportError_) as caught:
        fetch_hf_daily(dt.date(2024, 1, 4), opener=opener, limiter=limiter)
    assert str(caught.value) == ("huggingface.co answered HTTP 404 Error for "
                                 "https://huggingface.co/api/daily_papers?date=2024-01-04; check the query")
    assert len(opener.requests) == 1


def test_arxiv_error_feed_with_http_400_reaches_the_parser(clock: FakeClock, limiter: RateLimiter) -> None:
    body = read("arxiv_api_error.xml").encode("utf-8")
    opener = FakeOpener(clock, http_error(400, body=body))
    text = fetch_arxiv("id:1234.12345", opener=opener, limiter=limiter)
    with pytest.raises(ImportError_, match="arXiv returned an error: incorrect id format for 1234.12345"):
        parse_arxiv(text, "arXiv query")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"query": "  "}, "the arXiv query is empty; give one like --query 'cat:cs.LG AND abs:causal'"),
    ({"query": "all:x", "max_results": 0}, "max_results is 0; the arXiv API returns 1 to 2000 per request"),
    ({"query": "all:x", "start": -1}, "start is -1; it must be 0 or more"),
])
def test_fetch_arxiv_checks_its_arguments(kwargs: dict[str, Any], message: str, clock: FakeClock,
                                          limiter: RateLimiter) -> None:
    opener = FakeOpener(clock)
    with pytest.raises(ImportError_) as caught:
        fetch_arxiv(opener=opener, limiter=limiter, **kwargs)
    assert str(caught.value) == message
    assert opener.requests == []
