"""Tracked links and promo codes of roster entries (issue 21).

Each roster entry gets a short link /r/<code> and a promo code from its campaign's pattern. The
redirect reads one cached lookup and counts the click in the cache: one atomic counter per
code and UTC day, bumped the first time a visitor is seen that day (an atomic `add` of the
visitor's key). `flush_clicks` (a Celery task, campaigns.tasks) moves the counters into
LinkClickDay rows in batches. The visitor key is a SHA-256 of a salt (settings, plus the day,
so it rotates daily), the client address and the user agent: it only ever names a cache key,
and no address or user agent is stored anywhere.
"""

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.text import slugify

from campaigns.conversions import attribution
from campaigns.models import Campaign, Deliverable, LinkClickDay, RosterEntry, TrackedLink

CLICK_ID_PARAM = "mm_click"
DEFAULT_UTM = {
    "utm_source": "{platform}",
    "utm_medium": "influencer",
    "utm_campaign": "{campaign}",
    "utm_content": "{handle}",
}
COUNTER_SECONDS = 3 * 24 * 60 * 60  # longer than any flush interval: unflushed clicks survive
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|facebot|embedly|whatsapp|"
    r"skypeuripreview|pinterest|vkshare|w3c_validator|quora link|outbrain|nuzzel|"
    r"bitlybot|tumblr|flipboard|iframely|mastodon|python-requests|curl|wget|httpclient|"
    r"headless|lighthouse|pingdom|uptime|monitor",
    re.IGNORECASE,
)


# --- Promo codes and links ------------------------------------------------------------------
def _code_part(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def promo_code_for(entry: RosterEntry, taken: set[str]) -> str:
    """The entry's code from the campaign's pattern, with -2, -3… if another entry has it."""
    campaign = entry.campaign
    base = (
        (campaign.promo_code_pattern or "<BRAND>-<HANDLE>")
        .replace("<BRAND>", _code_part(campaign.brand.name))
        .replace("<HANDLE>", _code_part(entry.creator.handle))
        .replace("<CAMPAIGN>", _code_part(campaign.name))
    ).upper()[:60]
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def new_link_code() -> str:
    return secrets.token_urlsafe(6)  # 8 characters, 48 random bits


@transaction.atomic
def provision(entry: RosterEntry) -> RosterEntry:
    """Give the entry its promo code and tracked link if it has none (idempotent)."""
    entry = (
        RosterEntry.objects.select_for_update()
        .select_related("campaign__brand", "creator")
        .get(pk=entry.pk)
    )
    if not entry.promo_code:
        taken = set(
            RosterEntry.objects.filter(campaign_id=entry.campaign_id)
            .exclude(promo_code="")
            .values_list("promo_code", flat=True)
        )
        entry.promo_code = promo_code_for(entry, taken)
        entry.save(update_fields=["promo_code", "updated_at"])
    if not TrackedLink.objects.filter(entry=entry, deliverable__isnull=True).exists():
        _create_link(entry=entry)
    return entry


def _create_link(*, entry: RosterEntry, deliverable: Deliverable | None = None) -> TrackedLink:
    for _ in range(5):
        try:
            with transaction.atomic():
                return TrackedLink.objects.create(
                    entry=entry, deliverable=deliverable, code=new_link_code()
                )
        except IntegrityError:  # a code collision: draw again
            continue
    raise IntegrityError("No free link code after 5 draws.")


def provision_campaign(campaign: Campaign) -> None:
    """Provision every entry of the campaign that lacks its own link or a promo code."""
    own = TrackedLink.objects.filter(entry=OuterRef("pk"), deliverable__isnull=True)
    for entry in RosterEntry.objects.filter(campaign=campaign).filter(
        ~Exists(own) | Q(promo_code="")
    ):
        provision(entry)


@transaction.atomic
def deliverable_link(deliverable: Deliverable) -> tuple[TrackedLink, bool]:
    """The deliverable's tracked link, created if it has none: (link, created). It belongs to
    the deliverable's roster entry, so its clicks and orders count for that entry."""
    deliverable = (
        Deliverable.objects.select_for_update().select_related("entry").get(pk=deliverable.pk)
    )
    found = TrackedLink.objects.filter(deliverable=deliverable).first()
    if found is not None:
        return found, False
    link = _create_link(entry=deliverable.entry, deliverable=deliverable)
    links_changed()
    return link, True


def short_path(code: str) -> str:
    return reverse("tracked_redirect", args=[code])


def deliverable_slug(deliverable: Deliverable | None) -> str:
    """How a deliverable's link names it in utm_content: its format and id ("reel-12"); stable
    while the deliverable lives, and unique in the campaign."""
    if deliverable is None:
        return ""
    return f"{deliverable.format}-{deliverable.pk}"


def utm_values(campaign: Campaign, creator, deliverable: Deliverable | None = None) -> dict:
    """The UTM parameters of a link: the defaults, then the campaign's, placeholders filled. A
    deliverable's link names the deliverable in utm_content: where the template has
    {deliverable}, else after the rest ("lena_reel-12"), so each deliverable's visits read
    apart in the shop's analytics."""
    slug = deliverable_slug(deliverable)
    values = {
        "{platform}": creator.platform,
        "{campaign}": slugify(campaign.name),
        "{handle}": creator.handle,
        "{deliverable}": slug,
    }
    utm = {**DEFAULT_UTM, **(campaign.utm_params or {})}
    added = {}
    for name, template in utm.items():
        text = str(template or "")
        if name == "utm_content" and slug and text and "{deliverable}" not in text:
            text = f"{text}_{{deliverable}}"
        value = text
        for placeholder, filled in values.items():
            value = value.replace(placeholder, filled)
        if "{deliverable}" in text and not slug:  # the entry's own link: no dangling "_"
            value = value.strip("_- ")
        if value:
            added[str(name)] = value
    return added


def landing_url(campaign: Campaign, creator, deliverable: Deliverable | None = None) -> str:
    """The campaign's landing URL with its UTM parameters (utm_values)."""
    if not campaign.landing_url:
        return ""
    utm = {**DEFAULT_UTM, **(campaign.utm_params or {})}
    added = utm_values(campaign, creator, deliverable)
    parts = urlsplit(campaign.landing_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in utm]
    return urlunsplit(parts._replace(query=urlencode([*query, *added.items()])))


def set_status(link: TrackedLink, status: str) -> TrackedLink:
    if status not in TrackedLink.Status.values:
        raise ValueError(f"Unknown link status {status!r}.")
    link.status = status
    link.save(update_fields=["status"])
    links_changed()
    return link


# --- The redirect's hot path ----------------------------------------------------------------
# Every process keeps its own copy of the lookups it served (code -> status, landing URL) with
# the links' version it read them at. The version is one counter in the cache, bumped by every
# change a redirect would show (links_changed). A counted visit compares it in the same Redis
# round trip that counts the click, so a change reaches a link's next counted visit in every
# process at once; a visit that counts nothing (a paused or unknown link, a bot, HEAD) trusts
# the copy for up to LOCAL_SECONDS: a retired link 404s within that.
LOOKUP_SECONDS = 60  # the shared copy; keyed by the version, so a change never reads it again
LOCAL_SECONDS = 5.0
LOCAL_LIMIT = 10_000  # codes per process: a scan of random codes cannot grow it without end
VERSION_KEY = "trk:links:version"


@dataclass(frozen=True, slots=True)
class Lookup:
    status: str  # "" for an unknown code
    url: str  # the landing URL with its UTM parameters; "" when the campaign has none
    version: int  # the links' version it was read at
    expires: float  # time.monotonic() after which the process reads it again

    @property
    def live(self) -> bool:
        """Whether it redirects (else 404): active or paused, with somewhere to go."""
        return bool(self.url) and self.status in (
            TrackedLink.Status.ACTIVE,
            TrackedLink.Status.PAUSED,
        )


_lookups: dict[str, Lookup] = {}


def links_version() -> int:
    return int(cache.get(VERSION_KEY) or 0)


def links_changed() -> None:
    """Make every process read its lookups again (a link's status, or a campaign's landing URL
    or UTM parameters changed): at once, and again when the transaction commits, since a
    process reading in between still saw the old row."""
    _bump_links_version()
    transaction.on_commit(_bump_links_version)


def _bump_links_version() -> None:
    cache.add(VERSION_KEY, 0, None)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted between add and incr: any new value makes copies stale
        cache.add(VERSION_KEY, 1, None)
    forget_lookups()


def forget_lookups() -> None:
    _lookups.clear()


def _read_lookup(code: str) -> Lookup:
    version = links_version()
    key = f"trk:link:{version}:{code}"
    found = cache.get(key)
    if found is None:
        link = (
            TrackedLink.objects.select_related("entry__campaign", "entry__creator", "deliverable")
            .filter(code=code)
            .first()
        )
        found = {"status": "", "url": ""}
        if link is not None:
            found = {
                "status": link.status,
                "url": landing_url(link.entry.campaign, link.entry.creator, link.deliverable),
            }
        cache.set(key, found, LOOKUP_SECONDS)
    lookup = Lookup(found["status"], found["url"], version, time.monotonic() + LOCAL_SECONDS)
    if len(_lookups) >= LOCAL_LIMIT:
        _lookups.clear()
    _lookups[code] = lookup
    return lookup


def lookup(code: str) -> Lookup:
    """The link's lookup: this process's copy while it is fresh, else the shared one (or the
    database, once per version)."""
    found = _lookups.get(code)
    if found is None or found.expires < time.monotonic():
        found = _read_lookup(code)
    return found


def visit(code: str, *, ip: str, user_agent: str, method: str = "GET") -> str | None:
    """The URL a visit of /r/<code> goes to (the landing URL with a fresh click id), or None
    for a 404; a visit of an active link counts (record_click)."""
    link = lookup(code)
    if link.live and link.status == TrackedLink.Status.ACTIVE:
        counted = record_click(code, ip=ip, user_agent=user_agent, method=method, at=link.version)
        if counted is None:  # a link changed since this copy was read: read it again
            link = _read_lookup(code)
            counted = link.status == TrackedLink.Status.ACTIVE and record_click(
                code, ip=ip, user_agent=user_agent, method=method, at=link.version
            )
        if counted and not cache_is_shared():
            flush_clicks(codes=[code])  # no worker shares this process's cache
    if not link.live:
        return None
    return with_click_id(link.url, code)


def _counter_key(code: str, day: date) -> str:
    return f"trk:n:{code}:{day:%Y%m%d}"


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(BOT_PATTERN.search(user_agent))


def visitor_key(ip: str, user_agent: str, day: date) -> str:
    salt = f"{settings.TRACKING_SALT}:{day:%Y-%m-%d}"
    return hashlib.sha256(f"{salt}\n{ip}\n{user_agent}".encode()).hexdigest()[:32]


def today() -> date:
    return datetime.now(UTC).date()


# KEYS: the links' version, the visitor's key, the counter; ARGV: the version the caller's
# lookup was read at, the keys' lifetime. -1: the version moved (nothing counted), 0: a repeat
# visitor, 1: counted. Atomic, and one round trip.
_COUNT_SCRIPT = """
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return -1 end
if not redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[2]) then return 0 end
if redis.call('INCR', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ARGV[2]) end
return 1
"""
_count_script = None


def _count_in_redis(version_key: str, seen: str, counter: str, at: int) -> bool | None:
    global _count_script
    if _count_script is None:  # one client per process; redis-py reopens its pool after a fork
        _count_script = redis.Redis.from_url(settings.REDIS_URL).register_script(_COUNT_SCRIPT)
    keys = [cache.make_key(key) for key in (version_key, seen, counter)]
    done = _count_script(keys=keys, args=[at, COUNTER_SECONDS])
    return None if done < 0 else bool(done)


def _count_in_cache(version_key: str, seen: str, counter: str, at: int) -> bool | None:
    """The same through the cache's API, for a cache of this process alone (no Redis)."""
    if int(cache.get(version_key) or 0) != at:
        return None
    if not cache.add(seen, 1, COUNTER_SECONDS):
        return False
    cache.add(counter, 0, COUNTER_SECONDS)
    try:
        cache.incr(counter)
    except ValueError:  # the counter was flushed and expired between add and incr
        cache.add(counter, 1, COUNTER_SECONDS)
    return True


def record_click(
    code: str, *, ip: str, user_agent: str, method: str = "GET", at: int | None = None
) -> bool | None:
    """Count a visit of an active link in the cache; True when it counted (a new visitor today,
    not a bot, not a HEAD request). With `at` (the links' version the caller's lookup was read
    at) nothing counts when the version has moved since, and the answer is None."""
    if method != "GET" or is_bot(user_agent):
        return False
    at = links_version() if at is None else at
    day = today()
    seen = f"trk:v:{code}:{day:%Y%m%d}:{visitor_key(ip, user_agent, day)}"
    count = _count_in_redis if settings.REDIS_URL else _count_in_cache
    return count(VERSION_KEY, seen, _counter_key(code, day), at)


def cache_is_shared() -> bool:
    """Whether the click buffer is one that the worker's flush reads (Redis). Without it the
    cache is this process's own: a click is written through at once (development, `make demo`)."""
    return bool(settings.REDIS_URL)


_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _BASE36[rest] + digits
        if not number:
            return digits


def new_click_id(code: str, at: datetime | None = None) -> str:
    """<code>.<base36 unix seconds>.<random>: the click's time travels in its id, so a
    conversion quoting it back can be checked against the attribution window without a stored
    row per click (campaigns.conversions.attribution). Link codes never contain a dot."""
    seconds = int((at or datetime.now(UTC)).timestamp())
    return f"{code}.{_base36(seconds)}.{secrets.token_urlsafe(9)}"


def parse_click_id(click_id: str) -> tuple[str, datetime | None] | None:
    """(link code, click time) of a click id; the time is None for the older <code>.<random>
    ids, which carry none. None when it is no click id at all."""
    parts = str(click_id or "").strip().split(".")
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], None
    if len(parts) != 3 or not all(parts):
        return None
    code, stamp, _ = parts
    if len(stamp) > 8 or any(c not in _BASE36 for c in stamp):
        return None
    seconds = int(stamp, 36)
    if seconds > attribution.LATEST_CLICK_SECONDS:
        return None
    return code, datetime.fromtimestamp(seconds, UTC)


def with_click_id(url: str, code: str) -> str:
    """`url` with a fresh click id (new_click_id) that a conversion can quote back, as the last
    query parameter. A click id needs no escaping (letters, digits, "-", "_" and ".")."""
    base, hash_mark, fragment = url.partition("#")
    separator = "" if base.endswith(("?", "&")) else "&" if "?" in base else "?"
    return f"{base}{separator}{CLICK_ID_PARAM}={new_click_id(code)}{hash_mark}{fragment}"


# --- Batches into the database --------------------------------------------------------------
def flush_clicks(*, batch: int = 500, codes: list[str] | None = None) -> int:
    """Move the buffered counters of today and yesterday into LinkClickDay (of every link, or of
    `codes`); returns the clicks written. A counter is taken down by what was read (decr), so
    clicks arriving meanwhile stay for the next run."""
    days = [today(), today() - timedelta(days=1)]
    written = 0
    links = (
        TrackedLink.objects.all() if codes is None else TrackedLink.objects.filter(code__in=codes)
    )
    links = list(links.values_list("id", "code"))
    for start in range(0, len(links), batch):
        chunk = links[start : start + batch]
        keys = {_counter_key(code, day): (link_id, day) for link_id, code in chunk for day in days}
        pending = {key: n for key, n in cache.get_many(list(keys)).items() if n}
        if not pending:
            continue
        for key, n in pending.items():
            cache.decr(key, n)
        try:
            with transaction.atomic():
                LinkClickDay.objects.bulk_create(
                    [LinkClickDay(link_id=keys[k][0], day=keys[k][1]) for k in pending],
                    ignore_conflicts=True,
                )
                for key, n in pending.items():
                    link_id, day = keys[key]
                    LinkClickDay.objects.filter(link_id=link_id, day=day).update(
                        clicks=F("clicks") + n
                    )
        except Exception:
            for key, n in pending.items():  # put the clicks back for the next run
                cache.add(key, 0, COUNTER_SECONDS)
                cache.incr(key, n)
            raise
        written += sum(pending.values())
    return written


def link_rows(campaign: Campaign) -> dict[int, dict]:
    """entry id -> {"code", "status", "path", "clicks", "deliverables"} of the campaign's
    links: the entry's own link, with "clicks" the entry's total (its own link's and its
    deliverables' links'), and "deliverables" one {"deliverable_id", "slug", "code", "status",
    "path", "clicks", "utm_content"} per deliverable link (its own clicks), oldest first."""
    links = list(
        TrackedLink.objects.filter(entry__campaign=campaign)
        .select_related("deliverable", "entry__creator")
        .order_by("created_at", "pk")
    )
    per_link = dict(
        LinkClickDay.objects.filter(link__entry__campaign=campaign)
        .values_list("link_id")
        .annotate(total=Sum("clicks"))
    )
    rows: dict[int, dict] = {}
    for link in links:
        row = rows.setdefault(
            link.entry_id, {"code": "", "status": "", "path": "", "clicks": 0, "deliverables": []}
        )
        clicks = per_link.get(link.pk, 0)
        row["clicks"] += clicks
        if link.deliverable_id is None:
            row.update(code=link.code, status=link.status, path=short_path(link.code))
        else:
            row["deliverables"].append(
                {
                    "deliverable_id": link.deliverable_id,
                    "slug": deliverable_slug(link.deliverable),
                    "code": link.code,
                    "status": link.status,
                    "path": short_path(link.code),
                    "clicks": clicks,
                    "utm_content": utm_values(campaign, link.entry.creator, link.deliverable).get(
                        "utm_content", ""
                    ),
                }
            )
    return rows
