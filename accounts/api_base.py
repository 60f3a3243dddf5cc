"""Building blocks for the REST endpoints of every app."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import generics, serializers


class _FilterParametersSchema(AutoSchema):
    """Documents a FilteredListApi's query parameters from its FilterSerializer."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), self.view.FilterSerializer]


class FilteredListApi(generics.ListAPIView):
    """A paginated list whose query parameters are validated by ``FilterSerializer`` (bad values are a 400
    naming the parameter) and handed to ``select(**params)``, which calls a scoping selector."""

    FilterSerializer: type[serializers.Serializer]
    schema = _FilterParametersSchema()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request to scope by
            return self.get_serializer_class().Meta.model.objects.none()
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return self.select(**filters.validated_data)

    def select(self, **params):
        raise NotImplementedError
