from __future__ import annotations

from django.contrib.auth.forms import SetPasswordForm


class ChoosePasswordForm(SetPasswordForm):
    """Set-password form worded for patients."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields[
            "new_password1"
        ].help_text = "At least 10 characters. A short sentence is easy to remember."
        self.fields["new_password2"].label = "Type the same password again"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-lg"
