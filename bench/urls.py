from django.urls import path

from bench.baseline import (
    TextbookEligibleApi,
    TextbookMapApi,
    TextbookNearestApi,
    TextbookUpcomingApi,
    textbook_coverage_page,
)
from config.urls import urlpatterns as yizhan_urlpatterns

urlpatterns = [
    path("bench/textbook/nearest/", TextbookNearestApi.as_view()),
    path("bench/textbook/checkups/upcoming/", TextbookUpcomingApi.as_view()),
    path("bench/textbook/benefits/eligible/", TextbookEligibleApi.as_view()),
    path("bench/textbook/stations/map/", TextbookMapApi.as_view()),
    path("bench/textbook/coverage/", textbook_coverage_page),
    *yizhan_urlpatterns,
]
