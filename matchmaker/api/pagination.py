"""Page-number pagination with the total count and page count in every list response.

`page` and `page_size` are read strictly (matchmaker/api/query.py): `?page_size=-1.2e-07`,
`?page_size=500` or `?page=abc` is a 400 naming the parameter (DRF ignored a bad page_size and
answered a bad page with a 404); a page past the last is still a 404."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from matchmaker.api import query


class CountedPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()  # `page` is a number, as the schema says

    def get_page_size(self, request):
        size = query.integer(request, "page_size", minimum=1, maximum=self.max_page_size)
        return self.page_size if size is None else size

    def get_page_number(self, request, paginator):
        number = query.integer(request, "page", minimum=1)
        return 1 if number is None else number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            "page": {"minimum": 1},
            "page_size": {"minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "pages": self.page.paginator.num_pages,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "pages", "results"],
            "properties": {
                "count": {"type": "integer"},
                "pages": {"type": "integer"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
