"""The pages' small forms."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core.localtime import local_today

DEFAULT_CITY = "兰州市"


class CityForm(forms.Form):
    """A city of those with boundaries (``?city=``); ``default_city`` when none is given."""

    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(self, *args, cities: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [(city, city) for city in cities]
        self.default_city = DEFAULT_CITY if DEFAULT_CITY in cities else (cities or [""])[0]

    def chosen_city(self) -> str:
        """The city asked for (the form is valid or unbound), else the default one."""
        return (self.cleaned_data["city"] if self.is_bound else "") or self.default_city


class TourPageForm(CityForm):
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput({"type": "date"})
    )
    field_order = ["date", "city"]

    def chosen(self) -> tuple[dt.date, str]:
        """The day and city asked for (the form is valid or unbound); today and the default
        city where none was given."""
        today = local_today()
        if self.is_bound:
            return self.cleaned_data["date"] or today, self.chosen_city()
        return today, self.default_city
