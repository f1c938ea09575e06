from django.urls import path

from bench.baseline import TextbookNearestApi
from config.urls import urlpatterns as yizhan_urlpatterns

urlpatterns = [
    path("bench/textbook/nearest/", TextbookNearestApi.as_view()),
    *yizhan_urlpatterns,
]
