"""The filter backend of every API list: django-filter, with the declared filters read strictly
(matchmaker/api/query.py). `?status=` or `?stage=a&stage=b` is a 400 naming the parameter, not
a filter silently dropped or half applied."""

from django_filters.rest_framework import DjangoFilterBackend

from matchmaker.api import query


class StrictFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        names = list(filterset_class.base_filters)
        query.reject_empty(request, names)  # every API filter is a choice or an id
        data = {name: query.single(request, name) for name in names if name in request.query_params}
        return filterset_class(data=data, queryset=queryset, request=request)
