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
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils.text import slugify

from campaigns.models import Campaign, LinkClickDay, RosterEntry, TrackedLink

CLICK_ID_PARAM = "mm_click"
DEFAULT_UTM = {
    "utm_source": "{platform}",
    "utm_medium": "influencer",
    "utm_campaign": "{campaign}",
    "utm_content": "{handle}",
}
LOOKUP_SECONDS = 60  # a status or landing change shows within this (status changes at once)
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
    if not TrackedLink.objects.filter(entry=entry).exists():
        for _ in range(5):
            try:
                with transaction.atomic():
                    TrackedLink.objects.create(entry=entry, code=new_link_code())
                break
            except IntegrityError:  # a code collision: draw again
                continue
    return entry


def provision_campaign(campaign: Campaign) -> None:
    """Provision every entry of the campaign that lacks a link or a promo code."""
    for entry in RosterEntry.objects.filter(campaign=campaign).filter(
        Q(link__isnull=True) | Q(promo_code="")
    ):
        provision(entry)


def short_path(code: str) -> str:
    return reverse("tracked_redirect", args=[code])


def landing_url(campaign: Campaign, creator) -> str:
    """The campaign's landing URL with its UTM parameters (defaults, then the campaign's)."""
    if not campaign.landing_url:
        return ""
    values = {
        "{platform}": creator.platform,
        "{campaign}": slugify(campaign.name),
        "{handle}": creator.handle,
    }
    utm = {**DEFAULT_UTM, **(campaign.utm_params or {})}
    added = {}
    for name, template in utm.items():
        value = str(template or "")
        for placeholder, filled in values.items():
            value = value.replace(placeholder, filled)
        if value:
            added[str(name)] = value
    parts = urlsplit(campaign.landing_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in utm]
    return urlunsplit(parts._replace(query=urlencode([*query, *added.items()])))


def set_status(link: TrackedLink, status: str) -> TrackedLink:
    if status not in TrackedLink.Status.values:
        raise ValueError(f"Unknown link status {status!r}.")
    link.status = status
    link.save(update_fields=["status"])
    cache.delete(_lookup_key(link.code))
    return link


# --- The redirect's hot path ----------------------------------------------------------------
def _lookup_key(code: str) -> str:
    return f"trk:link:{code}"


def _counter_key(code: str, day: date) -> str:
    return f"trk:n:{code}:{day:%Y%m%d}"


def resolve(code: str) -> dict | None:
    """{"status", "url"} of an active or paused link with a landing URL, or None (404)."""
    key = _lookup_key(code)
    found = cache.get(key)
    if found is None:
        link = (
            TrackedLink.objects.select_related("entry__campaign", "entry__creator")
            .filter(code=code)
            .first()
        )
        found = {"status": "", "url": ""}
        if link is not None:
            found = {
                "status": link.status,
                "url": landing_url(link.entry.campaign, link.entry.creator),
            }
        cache.set(key, found, LOOKUP_SECONDS)
    if found["status"] not in (TrackedLink.Status.ACTIVE, TrackedLink.Status.PAUSED):
        return None
    if not found["url"]:
        return None
    return found


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(BOT_PATTERN.search(user_agent))


def visitor_key(ip: str, user_agent: str, day: date) -> str:
    salt = f"{settings.TRACKING_SALT}:{day:%Y-%m-%d}"
    return hashlib.sha256(f"{salt}\n{ip}\n{user_agent}".encode()).hexdigest()[:32]


def today() -> date:
    return datetime.now(UTC).date()


def record_click(code: str, *, ip: str, user_agent: str, method: str = "GET") -> bool:
    """Count a visit of an active link in the cache; True when it counted (a new visitor today,
    not a bot, not a HEAD request)."""
    if method != "GET" or is_bot(user_agent):
        return False
    day = today()
    seen = f"trk:v:{code}:{day:%Y%m%d}:{visitor_key(ip, user_agent, day)}"
    if not cache.add(seen, 1, COUNTER_SECONDS):
        return False
    counter = _counter_key(code, day)
    cache.add(counter, 0, COUNTER_SECONDS)
    try:
        cache.incr(counter)
    except ValueError:  # the counter was flushed and expired between add and incr
        cache.add(counter, 1, COUNTER_SECONDS)
    return True


def cache_is_shared() -> bool:
    """Whether the click buffer is one that the worker's flush reads (Redis). Without it the
    cache is this process's own: a click is written through at once (development, `make demo`)."""
    return bool(settings.REDIS_URL)


def with_click_id(url: str, code: str) -> str:
    """`url` with a fresh click id (<code>.<random>) that a conversion can quote back."""
    click_id = f"{code}.{secrets.token_urlsafe(9)}"
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), (CLICK_ID_PARAM, click_id)])
    return urlunsplit(parts._replace(query=query))


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
    """entry id -> {"code", "status", "path", "clicks"} of the campaign's links."""
    rows = {}
    for link in TrackedLink.objects.filter(entry__campaign=campaign):
        rows[link.entry_id] = {
            "code": link.code,
            "status": link.status,
            "path": short_path(link.code),
        }
    clicks = dict(
        LinkClickDay.objects.filter(link__entry__campaign=campaign)
        .values_list("link__entry_id")
        .annotate(total=Sum("clicks"))
    )
    for entry_id, row in rows.items():
        row["clicks"] = clicks.get(entry_id, 0)
    return rows
