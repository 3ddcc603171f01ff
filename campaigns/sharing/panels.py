"""The context of the results page's two internal sections this package adds: the share links
(owners and editors only) and the client fee with the margin."""

from __future__ import annotations

from campaigns.sharing import report, selectors, services
from campaigns.sharing.forms import ClientFeeForm, ShareLinkForm


def section_context(campaign, *, form=None, share_url: str | None = None) -> dict:
    """The results page's share-link section (owners and editors only)."""
    return {
        "campaign": campaign,
        "share_links": selectors.campaign_share_links(campaign),
        "share_form": form or ShareLinkForm(),
        "share_url": share_url,
        "share_max_days": services.MAX_DAYS,
    }


def money_context(campaign, spend, *, editable: bool, form=None) -> dict:
    """The results page's client fee and margin (internal only)."""
    return {
        "campaign": campaign,
        "margin": report.client_margin(campaign.client_fee, spend),
        "client_fee_form": form or ClientFeeForm(initial={"client_fee": campaign.client_fee}),
        "can_edit": editable,
    }
