"""The formatting functions (matchmaker.lib.formatting) as template filters, installed as a
builtin library: every Django template has them without {% load %}.

{{ reach|count }}  {{ fee|money:campaign.currency }}  {{ er|rate }}  {{ match.total|score }}
{{ pr|percentile }}  {{ value|number:2 }}  {{ campaign.start_date|day }}  {{ job.created_at|moment }}
"""

from django import template

from matchmaker.lib import formatting

register = template.Library()

for _name in formatting.FILTERS:
    register.filter(_name, getattr(formatting, _name))


@register.simple_tag
def money_range(low, high, currency=formatting.DEFAULT_CURRENCY, cents=None) -> str:
    """{% money_range low high currency %} ({% money_range low high currency cents=False %})"""
    return formatting.money_range(low, high, currency, cents=cents)
