from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import views
from config.api import router
from patients.api import TokenView
from prescriptions.pictures import exercise_picture

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.set_language, name="set_language"),
    # The words of the page's scripts (the hold timer, copy buttons), in the reader's language.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("exercises/<slug:slug>/picture.svg", exercise_picture, name="exercise_picture"),
    path("clinic/", include("prescriptions.urls")),
    path("clinic/", include("monitoring.urls")),
    path("", include("patients.urls")),
    path("", include("outcomes.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/", include(router.urls)),
]

admin.site.site_header = "Rehabit administration"
admin.site.site_title = "Rehabit admin"
