"""The site as its users walk it: every link each of them is shown, every form they can send.

For each kind of person (no one signed in, a delegate, their focal point, the study group's
secretariat, the working party's chairman, a delegate of an Associate admitted to another study
group, and a signed-in member of the public) the walk starts at the home page and follows, breadth
first, every internal link of every HTML page it is given (one address with a query string per
path, at most MAX_PAGES addresses); then it sends every form it was shown, each in a transaction
that is rolled back: a POST form once as a browser sends it untouched and once with nothing in it
but its CSRF token, a GET form (search, filters) untouched and with text typed in. It checks what
a person would notice:

- no page fails (5xx), and no link the site shows leads nowhere (404), to a refusal that does
  not say why (a 403 without its reason) or to any other 4xx (a 405: the route takes no GET);
- every HTML page has one non-empty <title> (base.html gives it), and every page in the site's
  frame (base.html's <main>) one <h1> (each page's template gives its heading);
- no page shows a template's raw syntax or a traceback, and text from the database is escaped:
  the demo's own text has no '<' or '&', so the fixture adds such text to the fields people see
  (titles, names, sources, decisions) and the walk checks it never comes out raw or escaped twice;
- a form sent empty is answered with its errors (200, 400, or 422 as the site answers invalid
  forms) or a redirect, never a failure, a 404 or a refusal;
- people without member-only access in the study group are shown no link to a file the access
  rule (plenary/documents/permissions.py) keeps from them, and every file link a member was shown
  is refused to them (403, 404 or the sign-in page), with the caches the members filled still in
  place; the meeting's ZIP holds only the files they may read.

The demo is loaded whole (tests/conftest.py's `demo` leaves out its documents, decisions and
registrations, which the walk needs). Known defects are listed in KNOWN_DEFECTS below, each with
its page and what is wrong; an entry that no longer happens fails the test so that it is taken
out once the defect is fixed.
"""

import io
import re
import traceback
import xml.etree.ElementTree as ET
import zipfile
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import caches
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from plenary.accounts.models import User
from plenary.core.demo import DEMO_MEETING, load_demo
from plenary.decisions.models import Decision, WorkItem
from plenary.documents import search
from plenary.documents.models import Document, Revision
from plenary.documents.permissions import can_read_document_file
from plenary.groups.models import Body, Role
from plenary.letters.models import LetterDetails
from plenary.meetings.models import AgendaItem, Meeting, TimePlanSlot
from plenary.membership.models import FocalPoint, Organization
from plenary.registrations.models import Registration
from plenary.reports.models import ItemSummary, MeetingReport

# Text the fixture adds to what people see; it must reach them escaped exactly once.
MARK = "<walk-mark>&"
ESCAPED_MARK = "&lt;walk-mark&gt;&amp;"
RAW_MARK = "<walk-mark"
TWICE_ESCAPED_MARK = "&amp;lt;walk-mark"

MAX_PAGES = 400  # distinct addresses per person
ROLES = (
    "anonymous",
    "delegate",
    "focal point",
    "secretariat",
    "chair",
    "other body",
    "public account",
)
OUTSIDERS = ("anonymous", "other body", "public account")

# (role, method and address, defect) -> what is wrong, for the lead to fix and then remove.
# "*" as the role stands for every role. Addresses are as the walk fetched them.
KNOWN_DEFECTS: dict[tuple[str, str, str], str] = {}


# Reading pages -----------------------------------------------------------------------------------


@dataclass
class Form:
    page: str
    method: str
    action: str
    as_shown: list[tuple[str, str]]
    csrf: str | None
    typed: set[str] = field(default_factory=set)  # fields a person types into


@dataclass
class Page:
    """What the walk reads from one HTML page."""

    titles: list[str] = field(default_factory=list)
    h1s: int = 0
    has_main: bool = False
    links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # visible text, outside scripts and styles


class _Reader(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.page = Page()
        self._in_title = False
        self._skip = 0  # inside <script>/<style>
        self._svg = 0  # inside an inline <svg>, whose <title> is not the page's
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list | None = None
        self._textarea: list | None = None
        self._button_chosen = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "svg":
            self._svg += 1
        elif tag == "title" and not self._svg:
            self._in_title = True
            self.page.titles.append("")
        elif tag == "h1":
            self.page.h1s += 1
        elif tag == "main":
            self.page.has_main = True
        elif tag == "a" and a.get("href"):
            self.page.links.append(a["href"])
        elif tag == "form":
            self._form = Form(
                page=self.url,
                method=(a.get("method") or "get").lower(),
                action=a.get("action") or self.url,
                as_shown=[],
                csrf=None,
            )
            self._button_chosen = False
        elif self._form is not None:
            self._field(tag, a)

    def _field(self, tag, a):
        form = self._form
        name = a.get("name", "")
        kind = a.get("type", "text" if tag == "input" else "submit").lower()
        if tag == "input" and name == "csrfmiddlewaretoken":
            form.csrf = a.get("value", "")
        elif tag == "input" and name and "disabled" not in a:
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.as_shown.append((name, a.get("value", "on")))
            elif kind in ("submit", "image"):
                if not self._button_chosen:
                    self._button_chosen = True
                    form.as_shown.append((name, a.get("value", "")))
            elif kind not in ("file", "reset", "button"):
                form.as_shown.append((name, a.get("value", "")))
                if kind in ("text", "search", "email", "url", "tel"):
                    form.typed.add(name)
        elif tag == "button" and kind == "submit" and not self._button_chosen:
            self._button_chosen = True
            if name:
                form.as_shown.append((name, a.get("value", "")))
        elif tag == "select" and name and "disabled" not in a:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = [name, ""]
            form.typed.add(name)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "svg":
            self._svg = max(0, self._svg - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "form" and self._form is not None:
            self.page.forms.append(self._form)
            self._form = None
        elif tag == "option" and self._option is not None:
            value, selected, text = self._option
            self._select[1].append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [v for v, selected in options if selected] or [v for v, _ in options[:1]]
            self._form.as_shown.extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.as_shown.append((self._textarea[0], self._textarea[1]))
            self._textarea = None

    def handle_data(self, data):
        if self._in_title:
            self.page.titles[-1] += data
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea[1] += data
        elif not self._skip:
            self.page.text.append(data)


def read_page(url: str, html: str) -> Page:
    reader = _Reader(url)
    reader.feed(html)
    reader.close()
    return reader.page


# What is wrong with a page ---------------------------------------------------------------------

TEMPLATE_LEFTOVERS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|Traceback \(most recent call last\)")


def page_defects(body: str, page: Page) -> list[tuple[str, str]]:
    found = []
    if len(page.titles) != 1:
        found.append(("titles", f"{len(page.titles)} <title> elements"))
    elif not page.titles[0].strip():
        found.append(("titles", "an empty <title>"))
    if page.has_main and page.h1s != 1:  # a page in the site's frame (base.html) has a heading
        found.append(("h1", f"{page.h1s} <h1> elements"))
    visible = " ".join(page.text)
    leftover = TEMPLATE_LEFTOVERS.search(visible)
    if leftover:
        start = max(0, leftover.start() - 60)
        found.append(("template", f"raw template text: {visible[start : leftover.end() + 60]!r}"))
    if RAW_MARK in body:
        at = body.index(RAW_MARK)
        found.append(("unescaped", f"database text unescaped: {body[max(0, at - 80) : at + 20]!r}"))
    if TWICE_ESCAPED_MARK in body:
        at = body.index(TWICE_ESCAPED_MARK)
        found.append(("escaped twice", f"database text escaped twice: {body[at - 80 : at + 30]!r}"))
    return found


# Walking ---------------------------------------------------------------------------------------


@dataclass
class Walk:
    role: str
    statuses: dict[str, int] = field(default_factory=dict)
    downloads: set[str] = field(default_factory=set)  # answered 200 with something not HTML
    referrers: dict[str, str] = field(default_factory=dict)  # address -> the page that linked it
    pages: dict[str, Page] = field(default_factory=dict)
    defects: dict[tuple[str, str], str] = field(default_factory=dict)  # (address, kind) -> what
    escaped_marks: int = 0

    def note(self, address: str, kind: str, what: str) -> None:
        self.defects.setdefault((address, kind), what)

    @property
    def forms(self) -> list[Form]:
        return [form for page in self.pages.values() for form in page.forms]

    def links_to(self, url_name: str) -> set[str]:
        return {address for address in self.statuses if _url_name(address) == url_name}


def _url_name(address: str) -> str | None:
    try:
        match = resolve(urlsplit(address).path)
    except Resolver404:
        return None
    return match.view_name


def _internal(base: str, href: str) -> str | None:
    """The link's address on this site (path and query), or None for what the walk skips."""
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    parts = urlsplit(urljoin("http://testserver" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    if parts.path in (reverse("logout"), reverse("account_logout")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _failure(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if "/plenary/" in f.filename and "/.venv/" not in f.filename]
    where = own[-1] if own else frames[-1]
    return f"{type(exc).__name__}: {exc} (at {where.filename}:{where.lineno} in {where.name})"


# What templates/403.html says when the refusal came without a reason.
REFUSED_WITHOUT_REASON = "This page is not open to you."


def _says_why(response) -> bool:
    """Whether a refusal is a page of the site that gives its reason."""
    if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
        return False
    body = response.content.decode(errors="replace")
    return read_page("", body).has_main and REFUSED_WITHOUT_REASON not in body


def set_aside(response) -> None:
    """Close a streamed download unread. The test client closes one once it is read, with the
    database connection's closing switched off (the test's transaction holds it); do as it does."""
    if not response.streaming:
        return
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _fetch(client: Client, walk: Walk, address: str):
    try:
        return client.get(address)
    except Exception as exc:  # the test client re-raises what the view raised: a 500
        walk.statuses[address] = 500
        walk.note(address, "5xx", _failure(exc))
        return None


def walk_site(client: Client, role: str, *, start: str = "/") -> Walk:
    walk = Walk(role)
    queue = deque([start])
    queued = {start}
    with_query = set()  # paths already fetched with a query string: one each is enough
    while queue and len(walk.statuses) < MAX_PAGES:
        address = queue.popleft()
        response = _fetch(client, walk, address)
        if response is None:
            continue
        status = response.status_code
        walk.statuses[address] = status
        referrer = walk.referrers.get(address, "(start)")
        content_type = response.get("Content-Type", "")
        set_aside(response)  # a download: its status is what counts, not its body
        if status >= 500:
            walk.note(address, "5xx", f"{status} (linked from {referrer})")
        elif status == 403:
            if not _says_why(response):
                walk.note(address, "403", f"shown on {referrer}; refused without a reason")
        elif status == 404:
            walk.note(address, "404", f"shown on {referrer} and leads nowhere")
        elif status >= 400:  # 405: a link to a route that takes no GET; 400, 410...
            walk.note(address, str(status), f"shown on {referrer} as a link")
        elif 300 <= status < 400:
            follow = _internal(address, response["Location"])
            if follow and follow not in queued:
                queued.add(follow)
                walk.referrers[follow] = f"{address} (redirect)"
                queue.append(follow)
        if status == 200 and not content_type.startswith("text/html"):
            walk.downloads.add(address)
        if status != 200 or response.streaming:
            continue
        mime = content_type.split(";")[0].strip()
        if mime in ("text/xml", "application/xml") or mime.endswith("+xml"):
            try:
                ET.fromstring(response.content)
            except ET.ParseError as exc:
                walk.note(address, "xml", f"not well-formed XML: {exc}")
            if RAW_MARK in response.content.decode(errors="replace"):
                walk.note(address, "unescaped", "database text unescaped in XML")
        if not content_type.startswith("text/html"):
            continue
        body = response.content.decode()
        page = read_page(address, body)
        walk.pages[address] = page
        walk.escaped_marks += body.count(ESCAPED_MARK)
        for kind, what in page_defects(body, page):
            walk.note(address, kind, what)
        for href in page.links:
            target = _internal(address, href)
            if target is None or target in queued:
                continue
            path, _, query = target.partition("?")
            if query:
                if path in with_query:
                    continue
                with_query.add(path)
            queued.add(target)
            walk.referrers[target] = address
            queue.append(target)
    return walk


class _Undo(Exception):
    """Raised inside a submission's transaction so that nothing it did remains."""


def _submit(client: Client, method: str, address: str, data: list[tuple[str, str]]):
    """Send a form and undo whatever it did: database, cookies (the session) and caches."""
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    try:
        with transaction.atomic():
            fields: dict[str, list[str]] = {}
            for name, value in data:
                fields.setdefault(name, []).append(value)
            send = client.post if method == "post" else client.get
            response = send(address, fields)
            set_aside(response)
            raise _Undo(response)
    except _Undo as undo:
        return undo.args[0]
    finally:
        client.cookies = cookies
        for cache in caches.all():
            cache.clear()


ERROR_SHOWN = re.compile(r'role="alert"|class="[^"]*error|<li class="[^"]*(?:error|warning)')


def submit_forms(client: Client, walk: Walk) -> dict[tuple[str, str], str]:
    """Send each distinct form the walk was shown, as shown and empty; what went wrong."""
    defects = {}
    seen = set()
    for form in walk.forms:
        address = _internal(form.page, form.action)
        if address is None:
            continue
        if form.method == "get":
            # A search or filter form: sent as shown, and with the fixture's text typed in.
            typed = [(n, MARK if n in form.typed and v == "" else v) for n, v in form.as_shown]
            submissions = [("as shown", form.as_shown), ("typed", typed)]
        else:
            token = [("csrfmiddlewaretoken", form.csrf)] if form.csrf is not None else []
            submissions = [("as shown", token + form.as_shown), ("empty", token)]
        for label, data in submissions:
            key = (form.method, address, label, tuple(sorted(n for n, _ in data)))
            if key in seen:
                continue
            seen.add(key)
            what = f"{form.method.upper()} {address} ({label})"
            try:
                response = _submit(client, form.method, address, data)
            except Exception as exc:
                defects[(what, "5xx")] = f"sent {label} from {form.page}: {_failure(exc)}"
                continue
            status = response.status_code
            html = "" if response.streaming else response.content.decode(errors="replace")
            if form.method == "get":
                if status != 200 and not 300 <= status < 400:
                    defects[(what, f"{status}")] = f"sent {label} from {form.page}"
                elif status == 200 and response.get("Content-Type", "").startswith("text/html"):
                    for kind, detail in page_defects(html, read_page(address, html)):
                        defects[(what, kind)] = f"sent {label} from {form.page}: {detail}"
                continue
            if status >= 500:
                defects[(what, "5xx")] = f"sent {label} from {form.page}: {status}"
            elif 300 <= status < 400:
                continue
            elif status in (200, 400, 422):  # 422: the site's answer to an invalid form
                if label == "empty" and not ERROR_SHOWN.search(html):
                    defects[(what, "no error")] = (
                        f"sent empty from {form.page}: {status} without an error message"
                    )
                if RAW_MARK in html:
                    defects[(what, "unescaped")] = f"sent {label}: database text unescaped"
            else:
                defects[(what, f"{status}")] = f"sent {label} from {form.page}"
    return defects


# The people and their demo -----------------------------------------------------------------------


def _mark(model, queryset, *fields) -> None:
    """Add MARK to the end of the fields' text."""
    objects = list(queryset)
    for obj in objects:
        for name in fields:
            setattr(obj, name, f"{getattr(obj, name)} {MARK}")
    model.objects.bulk_update(objects, fields)


@pytest.fixture
def site(db) -> dict[str, User | None]:
    """The demo as `plenary demo` loads it (its documents, decisions and registrations too), with
    text that needs escaping added to what people read; and the people who walk it, found by
    their roles."""
    load_demo()
    seed = Meeting.objects.get(slug=DEMO_MEETING)
    study_group = seed.body.study_group
    _mark(Meeting, Meeting.objects.all(), "title", "objective")
    _mark(AgendaItem, AgendaItem.objects.all(), "title")
    _mark(TimePlanSlot, TimePlanSlot.objects.all(), "title")
    _mark(Document, Document.objects.all(), "title", "source", "abstract")
    _mark(Organization, Organization.objects.all(), "name")
    _mark(Body, Body.objects.all(), "title")
    _mark(WorkItem, WorkItem.objects.all(), "title")
    _mark(Decision, Decision.objects.all(), "text")
    _mark(LetterDetails, LetterDetails.objects.all(), "context")
    _mark(MeetingReport, MeetingReport.objects.all(), "introduction")
    _mark(ItemSummary, ItemSummary.objects.all(), "text")
    _mark(User, User.objects.all(), "name")
    search.reindex_all()

    # People without a role of their own, each the first of their kind.
    plain = User.objects.exclude(pk__in=Role.objects.values("person")).order_by("email")
    focal_point = FocalPoint.objects.select_related("person").order_by("person__email")[0].person
    people = {
        "anonymous": None,
        "delegate": plain.exclude(pk__in=FocalPoint.objects.values("person"))
        .filter(organization=focal_point.organization)
        .first(),
        "focal point": focal_point,
        "secretariat": Role.objects.filter(body=study_group, name__in=Role.SECRETARIAT)
        .order_by("person__email")[0]
        .person,
        "chair": Role.objects.get(body=seed.body, name=Role.Name.CHAIRMAN).person,
        # Member-only access, through an Associate admitted to another study group only.
        "other body": plain.filter(
            has_member_access=True, organization__category=Organization.Category.ASSOCIATE
        )
        .exclude(organization__admitted_to=study_group)
        .first(),
        "public account": plain.filter(has_member_access=False, organization=None).first(),
    }
    assert all(people[role] is not None for role in ROLES if role != "anonymous"), people
    return people


def client_for(person: User | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if person is not None:
        client.force_login(person)
    return client


def _unexpected(role: str, found: dict[tuple[str, str], str]) -> tuple[list, list]:
    """Defects not on the known list, and known entries for this role that no longer happen."""
    known = {(address, kind) for (who, address, kind) in KNOWN_DEFECTS if who in (role, "*")}
    new = [f"{kind} {address}: {what}" for (address, kind), what in found.items()]
    new = [line for line, key in zip(new, found, strict=True) if key not in known]
    gone = sorted(f"{kind} {address}" for address, kind in known if (address, kind) not in found)
    return sorted(new), gone


# The tests ---------------------------------------------------------------------------------------


def _record() -> dict[str, int]:
    """How many of the things forms make or remove there are."""
    models = [Meeting, AgendaItem, TimePlanSlot, Document, Decision, Registration, User]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.parametrize("role", ROLES)
def test_walk_every_link_then_send_every_form_empty(site, role):
    person = site[role]
    client = client_for(person)
    walk = walk_site(client, role)
    # The forms are sent after the walk, each undone, so the walk saw the demo as loaded.
    before = _record()
    sent = submit_forms(client, walk)

    found = {(f"GET {address}", kind): what for (address, kind), what in walk.defects.items()}
    new, gone = _unexpected(role, {**found, **sent})
    assert not new, f"{role} met these defects:\n" + "\n".join(new)
    assert not gone, "fixed; remove from KNOWN_DEFECTS:\n" + "\n".join(gone)
    assert _record() == before, "a form's submission outlived its undoing"
    assert reverse("home") in walk.pages
    assert len(walk.statuses) < MAX_PAGES, "the walk was cut short: raise MAX_PAGES"
    # The added text reached the pages (escaped), so the escaping checks had something to see.
    assert walk.escaped_marks > 0
    assert walk.forms, f"{role} was shown no form at all"


def test_member_only_files_stay_closed_to_outsiders(site):
    """Members walk first and fill the caches; each outsider then walks the same site and asks
    for every file a member was shown."""
    member_files, member_downloads = set(), set()
    for member in ("delegate", "secretariat", "chair"):
        member_walk = walk_site(client_for(site[member]), member)
        member_files |= member_walk.links_to("documents:download")
        member_downloads |= member_walk.downloads
    assert member_files, "the members were shown no file at all"
    assert any(not can_read_document_file(None, _revision(a).document) for a in member_files), (
        "the demo has no member-only file for the outsiders to be refused"
    )

    problems = []
    for role in OUTSIDERS:
        person = site[role]
        client = client_for(person)
        walk = walk_site(client, role)
        problems += [f"{role}: {line}" for line in outsider_file_problems(client, person, walk)]
        problems += [f"{role}: {line}" for line in refused_files(client, person, member_files)]
        # Other downloads the members were given (lists of participants, drafts, templates) and
        # the outsider was not shown: if they are not shown, they are not theirs to take.
        for address in sorted(member_downloads - member_files - walk.downloads):
            response = client.get(address)
            set_aside(response)
            if response.status_code == 200:
                problems.append(f"{role}: {address} answered 200 though never shown to them")
    assert not problems, "\n".join(problems)


def _revision(address: str) -> Revision:
    kwargs = resolve(urlsplit(address).path).kwargs
    return Revision.objects.select_related("document").get(
        pk=kwargs["revision_id"], document_id=kwargs["pk"]
    )


def outsider_file_problems(client: Client, person: User | None, walk: Walk) -> list[str]:
    """File links the walk was shown that the access rule keeps from the person, and files in
    the meetings' ZIPs they may not read."""
    problems = [
        f"shown a link to a member-only file: {address} (on {walk.referrers[address]})"
        for address in sorted(walk.links_to("documents:download"))
        if not can_read_document_file(person, _revision(address).document)
    ]
    for address in sorted(walk.links_to("documents:zip")):
        response = client.get(address)
        names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
        meeting = Meeting.objects.get(slug=resolve(address).kwargs["slug"])
        allowed = {
            revision.download_name
            for revision in Revision.objects.filter(document__meeting=meeting)
            if can_read_document_file(person, revision.document)
        }
        problems += [f"{address} holds {name}" for name in names if name not in allowed]
    return problems


def refused_files(client: Client, person: User | None, addresses: set[str]) -> list[str]:
    """Files among ``addresses`` the person may not read yet is given."""
    problems = []
    login = reverse("login")
    for address in sorted(addresses):
        response = client.get(address)
        set_aside(response)
        status = response.status_code
        refused = status in (403, 404) or (status == 302 and response["Location"].startswith(login))
        if not refused and not can_read_document_file(person, _revision(address).document):
            problems.append(f"{address} answered {status}, not a refusal")
    return problems
