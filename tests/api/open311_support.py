"""A small Open311 GeoReport v2 client, written from the specification
(http://wiki.open311.org/GeoReport_v2), for the tests: every method, JSON or XML.

XML is read back into the same shapes as JSON (the spec's "Spark convention"): a plural
element holds a list of its items, other elements are fields; empty elements are None.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

Format = Literal["json", "xml"]
LISTS = {"services", "service_requests", "errors", "attributes", "values", "endpoints", "formats"}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Open311Error(Exception):
    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors


def _value(element: ET.Element) -> Any:
    if element.tag in LISTS:
        return [_value(child) for child in element]
    if len(element):
        return {child.tag: _value(child) for child in element}
    return element.text if element.text is not None else None


def parse(response: httpx.Response, fmt: Format) -> Any:
    assert response.headers["content-type"] == CONTENT_TYPES[fmt], response.headers
    if fmt == "json":
        return response.json()
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(response.content)
    return _value(root)


@dataclass
class Open311Client:
    http: httpx.Client
    fmt: Format = "json"
    api_key: str | None = None
    jurisdiction_id: str | None = None
    base: str = "/open311/v2"
    headers: dict[str, str] = field(default_factory=dict)

    def _params(self, extra: dict[str, Any]) -> dict[str, Any]:
        params = {k: v for k, v in extra.items() if v is not None}
        if self.jurisdiction_id:
            params["jurisdiction_id"] = self.jurisdiction_id
        return params

    def _answer(self, response: httpx.Response) -> Any:
        data = parse(response, self.fmt)
        if response.status_code >= 400:
            errors = data if isinstance(data, list) else [data]
            for error in errors:
                assert set(error) == {"code", "description"}, error
                assert int(error["code"]) == response.status_code
            raise Open311Error(response.status_code, errors)
        return data

    def _get(self, path: str, **params: Any) -> Any:
        url = f"{self.base}/{path}.{self.fmt}"
        return self._answer(self.http.get(url, params=self._params(params), headers=self.headers))

    # -- the six methods and discovery --------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        data: dict[str, Any] = self._get("discovery")
        return data

    def services(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = self._get("services")
        return data

    def service_definition(self, service_code: str) -> dict[str, Any]:
        data: dict[str, Any] = self._get(f"services/{service_code}")
        return data

    def post_request(self, service_code: str | None, **fields: Any) -> list[dict[str, Any]]:
        form = {"service_code": service_code, **fields}
        if self.api_key is not None:
            form["api_key"] = self.api_key
        attributes = form.pop("attributes", {}) or {}
        for code, value in attributes.items():
            form[f"attribute[{code}]"] = value
        response = self.http.post(
            f"{self.base}/requests.{self.fmt}",
            data=self._params(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                **self.headers,
            },
        )
        data: list[dict[str, Any]] = self._answer(response)
        return data

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = self._get("requests", **filters)
        return data

    def request(self, service_request_id: int | str) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = self._get(f"requests/{service_request_id}")
        return data

    def token(self, token: str) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = self._get(f"tokens/{token}")
        return data
