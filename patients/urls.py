from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("today/", views.today, name="today"),
    path("invite/<str:token>/", views.accept_invitation_view, name="accept_invitation"),
]
