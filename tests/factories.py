"""factory_boy factories for every model the tests build."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.models import Brand, Campaign, Deliverable, Outcome, RosterEntry
from creators.models import AudienceShare, Category, Creator, FollowerSnapshot, Post
from scoring.models import CreatorMetrics, MatchScore
from tenancy.models import Membership, Organization

DEFAULT_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.EDITOR


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Brand {n}")
    keywords = ["vegan", "skincare"]


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    budget = Decimal("10000")
    status = Campaign.Status.ACTIVE


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creator

    platform = "instagram"
    handle = factory.Sequence(lambda n: f"creator{n}")
    display_name = factory.LazyAttribute(lambda c: c.handle.title())
    country = "DE"
    language = "de"
    followers = 45_000
    following = 600
    posts_count = 300
    bio = "Plant-based recipes and slow living."


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    creator = factory.SubFactory(CreatorFactory)
    external_id = factory.Sequence(lambda n: f"p{n}")
    posted_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=n % 90))
    likes = 1200
    comments = 40


class FollowerSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowerSnapshot

    creator = factory.SubFactory(CreatorFactory)
    date = factory.Sequence(lambda n: timezone.now().date() - timedelta(days=n))
    followers = 45_000


class AudienceShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AudienceShare

    creator = factory.SubFactory(CreatorFactory)
    dimension = "country"
    bucket = "DE"
    share = 0.5


class RosterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RosterEntry

    campaign = factory.SubFactory(CampaignFactory)
    creator = factory.SubFactory(CreatorFactory)


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    entry = factory.SubFactory(RosterEntryFactory)
    platform = "instagram"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    deliverable = factory.SubFactory(DeliverableFactory)
    recorded_at = factory.LazyFunction(timezone.now)


class CreatorMetricsFactory(factory.django.DjangoModelFactory):
    """A creator's computed metrics as a recompute stores them; give the numbers a test reads."""

    class Meta:
        model = CreatorMetrics

    creator = factory.SubFactory(CreatorFactory)
    computed_at = factory.LazyFunction(timezone.now)
    tier = "micro"


class MatchScoreFactory(factory.django.DjangoModelFactory):
    """A creator's score for a campaign; every component 0.5 unless the test says otherwise."""

    class Meta:
        model = MatchScore

    campaign = factory.SubFactory(CampaignFactory)
    creator = factory.SubFactory(CreatorFactory)
    computed_at = factory.LazyFunction(timezone.now)
    rank = factory.Sequence(lambda n: n + 1)
    total = 0.5
    audience_fit = 0.5
    niche_fit = 0.5
    engagement = 0.5
    authenticity = 0.5
    cost_efficiency = 0.5
    track_record = 0.5
