from django.urls import path

from prescriptions import views

app_name = "clinic"

urlpatterns = [
    path("", views.caseload, name="caseload"),
]
