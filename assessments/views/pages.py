from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..models import Pillar


def home(request: HttpRequest) -> HttpResponse:
    """The method in four steps and the pillars in force."""
    return render(request, "assessments/home.html", {"pillars": Pillar.objects.active()})
