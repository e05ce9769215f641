"""Therapists' own photos and videos: what is taken, what is kept of it, and who sees it."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from prescriptions.forms import ExerciseForm
from prescriptions.models import Media
from prescriptions.services import _retire_or_delete
from tests.factories import (
    MP4_BYTES,
    ExerciseFactory,
    MediaFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    TherapistFactory,
)

pytestmark = pytest.mark.django_db

WRONG_TYPE = "is not a photo (JPEG, PNG or WebP) or a video (MP4 or WebM)"


def jpeg_with_location(size: tuple[int, int] = (40, 30)) -> bytes:
    image = Image.new("RGB", size, (200, 100, 50))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif)
    return output.getvalue()


def image_bytes(image_format: str, size: tuple[int, int] = (40, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(output, image_format)
    return output.getvalue()


def webm_bytes(doctype: bytes = b"webm") -> bytes:
    # EBMLVersion 1, then DocType: IDs keep their marker bit, sizes are one-byte numbers.
    body = b"\x42\x86\x81\x01" + b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67\x80"


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge picture (a decompression bomb), with almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def own_exercise(therapist):
    return ExerciseFactory(owner=therapist, name="Chair squat")


@pytest.fixture
def item(prescription):
    return PrescriptionItemFactory(prescription=prescription)


def upload_to_item(client, item, name: str, data: bytes, content_type: str = "image/jpeg"):
    url = reverse("clinic:item_media_add", args=[item.prescription_id, item.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type), "title": ""})


def upload_to_exercise(client, exercise, name: str, data: bytes, content_type: str = "image/jpeg"):
    url = reverse("clinic:exercise_media_add", args=[exercise.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type)})


def stored(media: Media) -> bytes:
    with media.file.open("rb") as handle:
        return handle.read()


# --- What is taken ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")],
)
def test_a_photo_is_added_to_the_therapists_own_exercise(
    therapist_client, own_exercise, image_format, content_type
):
    response = upload_to_exercise(
        therapist_client, own_exercise, "photo", image_bytes(image_format)
    )
    assert response.status_code == 302
    media = Media.objects.get(exercise=own_exercise)
    assert (media.kind, media.content_type) == ("photo", content_type)
    assert Image.open(io.BytesIO(stored(media))).format == image_format
    assert media.size == len(stored(media))
    page = therapist_client.get(reverse("clinic:exercise_detail", args=[own_exercise.pk]))
    assert reverse("patients:media_file", args=[media.key]) in page.content.decode()


def test_location_and_camera_details_are_removed_from_a_photo(therapist_client, item):
    original = jpeg_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert upload_to_item(therapist_client, item, "holiday.jpg", original).status_code == 302
    data = stored(Media.objects.get(item=item))
    reopened = Image.open(io.BytesIO(data))
    assert not reopened.getexif()
    assert b"PhoneMaker" not in data
    assert b"Exif" not in data


def test_the_stored_file_has_a_random_name_not_the_uploaders(therapist_client, item):
    upload_to_item(therapist_client, item, "Zelda Quixote knee.jpg", jpeg_with_location())
    media = Media.objects.get(item=item)
    assert "Quixote" not in media.file.name
    assert media.file.name.startswith("media/")
    assert len(media.file.name.removeprefix("media/").split(".")[0]) == 32


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.txt", b"Just some words about the exercise.\n"),
        ("clip.jpg", b"This is text, not a photo, whatever its name says.\n"),
        ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),  # a program renamed .jpg
        ("setup.jpg", b"MZ\x90\x00" + b"\x00" * 200),  # a Windows program renamed .jpg
        ("image.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),  # a picture, not one we take
        ("page.png", b"<html><script>alert(1)</script></html>"),
        ("clip.mp4", b"\x00\x00\x00\x18ftypqt  \x00\x00\x02\x00qt  "),  # QuickTime, not MP4
        ("clip.webm", webm_bytes(b"matroska")),  # Matroska, not WebM
        ("clip.mp4", b"\x00\x00\x00\x18mdatisom" + b"\x00" * 40),  # no ftyp box
    ],
)
def test_a_file_that_is_not_a_photo_or_video_we_take_is_refused_with_a_clear_message(
    therapist_client, item, name, data
):
    response = upload_to_item(therapist_client, item, name, data)
    assert response.status_code == 200
    assert WRONG_TYPE in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert not Media.objects.exists()


def test_a_decompression_bomb_is_refused(therapist_client, item):
    response = upload_to_item(therapist_client, item, "huge.png", png_claiming(30000, 30000))
    assert WRONG_TYPE in response.content.decode()
    assert not Media.objects.exists()


def test_a_photo_over_the_limit_is_refused(therapist_client, item, settings):
    settings.REHABIT_PHOTO_MAX_BYTES = 500
    data = image_bytes("PNG", (200, 200))
    Image.effect_noise((200, 200), 100).save(buffer := io.BytesIO(), "PNG")
    data = buffer.getvalue()
    assert len(data) > 500
    response = upload_to_item(therapist_client, item, "big.png", data)
    assert "This file is too large: the most Rehabit takes is 500" in response.content.decode()
    assert not Media.objects.exists()


def test_a_video_over_the_limit_is_refused(therapist_client, item, settings):
    settings.REHABIT_VIDEO_MAX_BYTES = 1000
    response = upload_to_item(
        therapist_client, item, "long.mp4", MP4_BYTES + b"\x00" * 2000, "video/mp4"
    )
    assert "This file is too large" in response.content.decode()
    assert not Media.objects.exists()


def test_a_polyglot_photo_keeps_only_its_pixels(therapist_client, item):
    """A JPEG with a ZIP archive and a web page appended: only the re-encoded picture is kept."""
    appended = b"PK\x03\x04" + b"\x00" * 26 + b"<html><script>alert('hidden')</script></html>"
    response = upload_to_item(therapist_client, item, "both.jpg", image_bytes("JPEG") + appended)
    assert response.status_code == 302
    data = stored(Media.objects.get(item=item))
    assert b"PK\x03\x04" not in data
    assert b"<script" not in data
    assert data.endswith(b"\xff\xd9")


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [("clip.mp4", MP4_BYTES, "video/mp4"), ("clip.webm", webm_bytes(), "video/webm")],
)
def test_a_real_mp4_or_webm_video_is_taken_whatever_it_is_called(
    therapist_client, item, name, data, content_type
):
    response = upload_to_item(therapist_client, item, "recording.bin", data, "text/plain")
    assert response.status_code == 302
    media = Media.objects.get(item=item)
    assert (media.kind, media.content_type) == ("video", content_type)
    assert media.file.name.endswith(name.split(".")[1])
    assert stored(media) == data


def test_only_the_owner_adds_media_to_an_exercise(client, own_exercise, other_therapist):
    client.force_login(other_therapist)
    response = upload_to_exercise(client, own_exercise, "photo.jpg", image_bytes("JPEG"))
    assert response.status_code == 404
    shared = ExerciseFactory()
    response = upload_to_exercise(client, shared, "photo.jpg", image_bytes("JPEG"))
    assert response.status_code == 404
    assert not Media.objects.exists()


def test_only_the_care_team_adds_media_to_a_patients_item(client, item, other_therapist):
    client.force_login(other_therapist)
    response = upload_to_item(client, item, "photo.jpg", image_bytes("JPEG"))
    assert response.status_code == 404
    assert not Media.objects.exists()


def test_a_video_link_must_be_https(therapist_client, own_exercise):
    data = {
        name: "" if value is None else value
        for name, value in ExerciseForm.initial_for(own_exercise).items()
    }
    data.update(equipment=[], precaution_tags=[], video_url="http://videos.example/bridge")
    url = reverse("clinic:exercise_edit", args=[own_exercise.pk])
    response = therapist_client.post(url, data)
    assert "Give a link that starts with https://." in response.content.decode()
    own_exercise.refresh_from_db()
    assert own_exercise.video_url == ""
    data["video_url"] = "https://videos.example/bridge"
    assert therapist_client.post(url, data).status_code == 302
    own_exercise.refresh_from_db()
    assert own_exercise.video_url == "https://videos.example/bridge"


# --- Who sees it -----------------------------------------------------------------------------


@pytest.fixture
def clip(item):
    return MediaFactory(item=item)


def fetch(client, media, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("patients:media_file", args=[media.key]))


def test_the_care_team_and_the_patient_see_a_patients_clip(client, clip, patient, therapist):
    colleague = TherapistFactory()
    patient.care_team.add(colleague)
    for user in (therapist, colleague, patient.user):
        response = fetch(client, clip, user)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "video/mp4"
        assert b"".join(response.streaming_content) == MP4_BYTES
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


def test_no_one_else_finds_a_patients_clip(client, clip, other_therapist, other_patient):
    for user in (other_therapist, other_patient.user):
        assert fetch(client, clip, user).status_code == 404


def test_an_admin_who_is_not_on_the_care_team_finds_nothing(admin_client, clip):
    assert fetch(admin_client, clip).status_code == 404


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client, clip):
    response = fetch(client, clip)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_media_of_an_archived_patient_stays_with_the_care_team(client, clip, patient, therapist):
    patient.archived_at = timezone.now()
    patient.save()
    assert fetch(client, clip, therapist).status_code == 200


def test_an_item_with_media_is_kept_when_taken_out_of_the_program(
    therapist, patient, prescription, item, clip
):
    kept = _retire_or_delete([item], timezone.localdate())
    assert kept == {item.pk}
    assert Media.objects.filter(pk=clip.pk).exists()


def test_exercise_media_is_seen_by_its_owner_and_the_patients_who_do_it(
    client, own_exercise, therapist, patient, other_patient, other_therapist
):
    photo = MediaFactory(item=None, exercise=own_exercise, kind="photo")
    assert fetch(client, photo, therapist).status_code == 200
    assert fetch(client, photo, patient.user).status_code == 404  # not in their program yet
    PrescriptionItemFactory(
        prescription=PrescriptionFactory(patient=patient, prescribed_by=therapist),
        exercise=own_exercise,
    )
    assert fetch(client, photo, patient.user).status_code == 200
    assert fetch(client, photo, other_patient.user).status_code == 404
    assert fetch(client, photo, other_therapist).status_code == 404


def test_a_phone_asking_for_part_of_a_video_gets_that_part(client, clip, therapist):
    client.force_login(therapist)
    url = reverse("patients:media_file", args=[clip.key])
    response = client.get(url, HTTP_RANGE="bytes=4-11")
    assert response.status_code == 206
    assert response.content == b"ftypisom"
    assert response["Content-Range"] == f"bytes 4-11/{len(MP4_BYTES)}"
    assert client.get(url, HTTP_RANGE="bytes=999-").status_code == 416


# --- Where it shows --------------------------------------------------------------------------


def test_today_plays_the_therapists_video_in_a_player_sized_for_a_phone(patient_client, bridge):
    clip = MediaFactory(item=bridge)
    html = patient_client.get(reverse("patients:today")).content.decode()
    src = reverse("patients:media_file", args=[clip.key])
    assert f'<video class="item-video" controls preload="none" playsinline src="{src}">' in html


def test_today_opens_a_video_link_in_a_new_tab_without_embedding_it(patient_client, bridge):
    bridge.exercise.video_url = "https://videos.example/bridge"
    bridge.exercise.save()
    html = patient_client.get(reverse("patients:today")).content.decode()
    assert (
        '<a href="https://videos.example/bridge" target="_blank" rel="noopener noreferrer">'
    ) in html
    assert "<iframe" not in html


def test_the_program_page_shows_each_items_media_and_a_way_to_add_some(
    therapist_client, prescription, item, clip
):
    html = therapist_client.get(reverse("clinic:program_detail", args=[prescription.pk]))
    html = html.content.decode()
    assert reverse("patients:media_file", args=[clip.key]) in html
    assert reverse("clinic:item_media_add", args=[prescription.pk, item.pk]) in html


def test_the_pages_allow_our_own_video_and_nothing_from_elsewhere(patient_client, bridge):
    MediaFactory(item=bridge)
    policy = patient_client.get(reverse("patients:today"))["Content-Security-Policy"]
    assert "media-src 'self'" in policy
    assert "default-src 'self'" in policy


def test_a_patient_of_another_therapist_does_not_see_the_clip_on_their_today(
    client, bridge, other_patient
):
    clip = MediaFactory(item=bridge)
    PatientFactory()  # someone else entirely
    client.force_login(other_patient.user)
    html = client.get(reverse("patients:today")).content.decode()
    assert str(clip.key) not in html


def test_a_clip_added_for_a_patient_is_in_their_audit_trail(therapist_client, item, patient):
    upload_to_item(therapist_client, item, "clip.mp4", MP4_BYTES, "video/mp4")
    page = therapist_client.get(reverse("clinic:patient_audit", args=[patient.pk]))
    html = page.content.decode()
    assert "Video" in html
    assert "video/mp4" in html


def test_an_admin_adds_a_credited_photo_to_a_shared_exercise_and_therapists_see_the_credit(
    admin_client, therapist_client, clip
):
    shared = ExerciseFactory(name="Bridge")
    response = admin_client.post(
        reverse("admin:prescriptions_media_add"),
        {
            "exercise": shared.pk,
            "file": SimpleUploadedFile("bridge.jpg", jpeg_with_location(), "image/jpeg"),
            "title": "",
            "licence": "CC BY-SA 4.0",
            "author": "Jane Doe",
            "source": "https://example.org/bridge",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = Media.objects.get(exercise=shared)
    assert (photo.kind, photo.content_type) == ("photo", "image/jpeg")
    assert b"PhoneMaker" not in stored(photo)
    page = therapist_client.get(reverse("clinic:exercise_detail", args=[shared.pk]))
    assert "By Jane Doe, CC BY-SA 4.0" in page.content.decode()
    assert fetch(therapist_client, photo).status_code == 200
    # The admin lists the shared catalogue's media only, never a patient's clip.
    listing = admin_client.get(reverse("admin:prescriptions_media_changelist")).content.decode()
    assert "Bridge" in listing
    assert admin_client.get(
        reverse("admin:prescriptions_media_change", args=[clip.pk])
    ).status_code in (302, 404)


def test_the_admin_refuses_a_renamed_program_as_a_shared_photo(admin_client):
    shared = ExerciseFactory()
    response = admin_client.post(
        reverse("admin:prescriptions_media_add"),
        {"exercise": shared.pk, "file": SimpleUploadedFile("x.jpg", b"\x7fELF" + b"\0" * 99)},
    )
    assert WRONG_TYPE in response.content.decode()
    assert not Media.objects.exists()


# --- Taking it away --------------------------------------------------------------------------


def remove(client, media):
    return client.post(reverse("clinic:media_remove", args=[media.key]))


def test_a_removed_clip_leaves_todays_card_but_stays_in_the_patients_record(
    client, bridge, therapist, patient
):
    clip = MediaFactory(item=bridge)
    client.force_login(therapist)
    confirm = client.get(reverse("clinic:media_remove", args=[clip.key])).content.decode()
    assert "It stays in their record" in confirm
    response = remove(client, clip)
    assert response.status_code == 302
    assert response["Location"] == reverse("clinic:program_detail", args=[bridge.prescription_id])
    clip.refresh_from_db()
    assert clip.removed_at is not None
    program_page = client.get(response["Location"]).content.decode()
    assert "the patient no longer sees it" in program_page
    assert fetch(client, clip).status_code == 200  # the care team still opens it
    client.force_login(patient.user)
    assert str(clip.key) not in client.get(reverse("patients:today")).content.decode()
    assert fetch(client, clip).status_code == 404


def test_a_photo_removed_from_the_therapists_own_exercise_is_deleted_with_its_file(
    therapist_client, own_exercise, django_capture_on_commit_callbacks
):
    upload_to_exercise(therapist_client, own_exercise, "photo", image_bytes("PNG"))
    photo = Media.objects.get(exercise=own_exercise)
    storage, name = photo.file.storage, photo.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = remove(therapist_client, photo)
    assert response["Location"] == reverse("clinic:exercise_detail", args=[own_exercise.pk])
    assert not Media.objects.filter(pk=photo.pk).exists()
    assert not storage.exists(name)


def test_only_the_owner_or_the_care_team_removes_media_and_others_find_nothing(
    client, own_exercise, item, other_therapist, patient
):
    clip = MediaFactory(item=item)
    photo = MediaFactory(item=None, exercise=own_exercise, kind="photo")
    for user in (other_therapist, patient.user):
        client.force_login(user)
        for media in (clip, photo):
            assert client.get(reverse("clinic:media_remove", args=[media.key])).status_code in (
                403,
                404,
            )
            assert remove(client, media).status_code in (403, 404)
    clip.refresh_from_db()
    assert clip.removed_at is None
    assert Media.objects.filter(pk=photo.pk).exists()


def test_an_archived_patients_clip_cannot_be_removed(client, clip, patient, therapist):
    patient.archived_at = timezone.now()
    patient.save()
    client.force_login(therapist)
    page = client.get(reverse("clinic:program_detail", args=[clip.item.prescription_id]))
    assert reverse("clinic:media_remove", args=[clip.key]) not in page.content.decode()
    assert remove(client, clip).status_code == 404
    clip.refresh_from_db()
    assert clip.removed_at is None
