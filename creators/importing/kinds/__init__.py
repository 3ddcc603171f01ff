"""The five built-in import kinds, one module each: profiles, posts, audience (long or wide),
followers, comments. CreatorsConfig.ready() registers BUILTIN_KINDS; common holds what they
share."""

from creators.importing.kinds import audience, comments, followers, posts, profiles

BUILTIN_KINDS = (profiles.KIND, posts.KIND, audience.KIND, followers.KIND, comments.KIND)
