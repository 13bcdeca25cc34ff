from django import template

from vegvis.audit import labels

register = template.Library()
register.filter("role_names", labels.role_names)
register.filter("shown_names", labels.shown_names)
