"""Views, one module per feature; URLs in ``assessments/urls.py`` name the module and function."""
