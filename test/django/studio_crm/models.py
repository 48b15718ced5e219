"""The studio's models, written from the seed document only (docs/data-model.md restates it) (not from
the bot's Prisma schema), the way a Django developer would: defaults live in Python, foreign keys
are Django's (NO ACTION DEFERRABLE INITIALLY DEFERRED, cascades done by the ORM)."""
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .encrypted import EncryptedTextField


class JourneyStatus(models.TextChoices):
    ONBOARDING = "ONBOARDING"
    BRAND_BUILDING = "BRAND_BUILDING"
    LAUNCH = "LAUNCH"
    LIVE = "LIVE"
    PAUSED = "PAUSED"
    CLOSED = "CLOSED"


class HealthScore(models.TextChoices):
    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"


class Creator(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="creators_created")
    last_updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="creators_updated")

    creator_name = models.CharField(max_length=200)
    creator_email = models.EmailField(unique=True)
    creator_phone = models.CharField(max_length=20, null=True, blank=True)
    creator_location = models.CharField(max_length=200, null=True, blank=True)
    creator_timezone = models.CharField(max_length=50, default="UTC")
    creator_avatar = models.ImageField(upload_to="avatars/", null=True, blank=True)

    brand_name = models.CharField(max_length=200, db_index=True)
    brand_tagline = models.CharField(max_length=500, null=True, blank=True)
    brand_niche = models.CharField(max_length=200)
    brand_logo = models.ImageField(upload_to="logos/", null=True, blank=True)
    brand_website = models.URLField(null=True, blank=True)
    brand_description = models.TextField(null=True, blank=True)

    journey_status = models.CharField(max_length=20, choices=JourneyStatus.choices, default=JourneyStatus.ONBOARDING, db_index=True)
    health_score = models.CharField(max_length=10, choices=HealthScore.choices, default=HealthScore.GREEN, db_index=True)
    last_status_change = models.DateTimeField(default=timezone.now)
    priority_level = models.IntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(5)])

    instagram_handle = models.CharField(max_length=100, null=True, blank=True)
    youtube_channel = models.URLField(null=True, blank=True)
    tiktok_handle = models.CharField(max_length=100, null=True, blank=True)
    twitter_handle = models.CharField(max_length=100, null=True, blank=True)
    linkedin_profile = models.URLField(null=True, blank=True)
    other_social_links = models.JSONField(default=dict, blank=True)

    primary_communication_channel = models.CharField(max_length=50, default="Email")
    last_contacted_date = models.DateField(null=True, blank=True)
    next_follow_up_date = models.DateField(null=True, blank=True)
    communication_notes = models.TextField(null=True, blank=True)

    custom_fields = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    internal_notes = models.TextField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-last_status_change"]
        indexes = [
            models.Index(fields=["journey_status", "health_score"]),
            models.Index(fields=["brand_name"]),
            models.Index(fields=["-last_status_change"]),
        ]

    def __str__(self):
        return f"{self.brand_name} ({self.creator_name})"


class CreatorCredential(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="credentials")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    platform_name = models.CharField(max_length=100)
    account_identifier = models.CharField(max_length=200)

    login_url = EncryptedTextField(null=True, blank=True)
    password = EncryptedTextField(null=True, blank=True)
    two_factor_backup_codes = EncryptedTextField(null=True, blank=True)
    api_keys = EncryptedTextField(null=True, blank=True)

    notes = models.TextField(null=True, blank=True)
    last_verified_date = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        unique_together = [("creator", "platform_name", "account_identifier")]

    def __str__(self):
        return f"{self.platform_name} · {self.account_identifier}"


class Milestone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="milestones")
    created_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=200)
    description = models.TextField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    completed_date = models.DateField(null=True, blank=True)
    is_completed = models.BooleanField(default=False)
    related_journey_stage = models.CharField(max_length=20, choices=JourneyStatus.choices)

    class Meta:
        ordering = ["target_date", "-is_completed"]

    def __str__(self):
        return self.title


class AuditLog(models.Model):
    class Action(models.TextChoices):
        CREATE = "CREATE"
        UPDATE = "UPDATE"
        DELETE = "DELETE"
        VIEW = "VIEW"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    timestamp = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    user_email = models.EmailField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action_type = models.CharField(max_length=50, choices=Action.choices, db_index=True)
    target_model = models.CharField(max_length=50)
    target_id = models.UUIDField()
    target_display = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)
    notes = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["-timestamp"]
        indexes = [
            models.Index(fields=["-timestamp", "action_type"]),
            models.Index(fields=["user", "-timestamp"]),
        ]

    def __str__(self):
        return f"{self.action_type} {self.target_model} {self.target_display}"


class AIDeliverable(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING"
        GENERATING = "GENERATING"
        COMPLETED = "COMPLETED"
        FAILED = "FAILED"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="deliverables")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    deliverable_type = models.CharField(max_length=100)
    prompt_used = models.TextField()
    context_data = models.JSONField()
    ai_model = models.CharField(max_length=50, default="claude-3-5-sonnet")
    generated_content = models.TextField()
    file_url = models.URLField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    error_message = models.TextField(null=True, blank=True)

    def __str__(self):
        return f"{self.deliverable_type} for {self.creator_id}"
