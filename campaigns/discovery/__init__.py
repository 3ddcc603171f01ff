"""Discovery: the shared catalogue seen from the user's campaigns.

The pages and the API list under /creators/ rank catalogue creators (creators.selectors filters
them) by a campaign's match score or the new audience they would add to its roster, shortlist
them into a campaign, and show a creator's profile with the user's roster entries. It lives here,
not in creators, because the catalogue knows nothing of campaigns or scores.
"""
