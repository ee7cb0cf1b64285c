"""Declared record routes hand their input by name to the service and document themselves."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, post
from litestar.di import Provide
from litestar.testing import TestClient
from pydantic import BaseModel
from sqlmodel import Session

from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import DEFAULT_LIMIT, Resource, TextFilter
from vppool.db.schemas import Page, PageQuery
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import Role

SESSION = Session()
VIEWER = Viewer(user_id=1, role=Role.PLANNER, label="planner")
SETTINGS = Settings()


class Note(BaseModel):
    """A record of the test."""

    text: str


class NoteChange(BaseModel):
    """A change of a note."""

    text: str | None = None


class Stars(BaseModel):
    """How many stars a note gets."""

    stars: int


class NoteQuery(PageQuery):
    """Which notes of the test to list."""

    search: str | None = None
    starred: bool | None = None
    sort: str = "text"


calls: list[tuple[str, dict[str, Any]]] = []


def _service(name: str, answer: Any) -> Any:
    def service(session: object, **given: Any) -> Any:
        assert session is SESSION
        calls.append((name, given))
        return answer

    return service


def _page_notes(session: object, query: NoteQuery, **given: Any) -> Page[Note]:
    assert session is SESSION
    calls.append(("page", {**given, "query": query}))
    return Page[Note](items=[], total=0, offset=0, limit=1)


_NOTES = RecordRoutes(
    "/{book_id:int}/notes", Note, key="note_id", owner="shelf_id", create=Note, update=NoteChange
)
_PAGES = RecordRoutes("/notes", Note, owner="shelf_id")


class NoteController(Resource):
    """Notes on the books of a shelf."""

    path = "/shelves/{shelf_id:int}"

    list_notes = _NOTES.listing(_service("list", [Note(text="a")]), "List notes.")
    add_note = _NOTES.creating(_service("add", Note(text="b")), "Add a note.")
    get_note = _NOTES.reading(_service("get", Note(text="c")), "Get a note.\n\nIn full.")
    change_note = _NOTES.changing(_service("change", Note(text="d")), "Change a note.")
    delete_note = _NOTES.deleting(_service("delete", None), "Delete a note.")
    pin_note = _NOTES.acting(
        post, "/pin", _service("pin", Note(text="e")), "Pin a note.", with_settings=True
    )
    star_note = _NOTES.acting(
        post, "/stars", _service("star", Note(text="f")), "Star a note.", body=Stars, spread=True
    )
    page_notes = _PAGES.paging(
        _page_notes,
        "Page notes.",
        filters={"search": TextFilter, "starred": bool | None},
        sort="text",
    )

    @post("/plain", sync_to_thread=False, status_code=200)
    def plain_handler(self) -> str:
        """A handler written out."""
        return "plain"


def _client() -> TestClient[Litestar]:
    app = Litestar(
        route_handlers=[NoteController],
        dependencies={
            "db_session": Provide(lambda: SESSION, sync_to_thread=False),
            "viewer": Provide(lambda: VIEWER, sync_to_thread=False),
            "settings": Provide(lambda: SETTINGS, sync_to_thread=False),
        },
        logging_config=None,  # Litestar's default would leave its logging thread behind
    )
    return TestClient(app)


def test_each_route_hands_its_path_ids_body_and_caller_to_the_service_by_name() -> None:
    calls.clear()
    with _client() as client:
        assert client.get("/shelves/1/2/notes").json() == [{"text": "a"}]
        added = client.post("/shelves/1/2/notes", json={"text": "b"})
        assert (added.status_code, added.json()) == (201, {"text": "b"})
        assert client.get("/shelves/1/2/notes/3").json() == {"text": "c"}
        assert client.patch("/shelves/1/2/notes/3", json={}).json() == {"text": "d"}
        assert client.delete("/shelves/1/2/notes/3").status_code == 204
        assert client.post("/shelves/1/2/notes/3/pin").status_code == 201
        assert client.post("/shelves/1/2/notes/3/stars", json={"stars": 2}).status_code == 201
    ids = {"shelf_id": 1, "book_id": 2, "viewer": VIEWER}
    assert calls == [
        ("list", ids),
        ("add", {**ids, "data": Note(text="b")}),
        ("get", {**ids, "note_id": 3}),
        ("change", {**ids, "note_id": 3, "data": NoteChange()}),
        ("delete", {**ids, "note_id": 3}),
        ("pin", {**ids, "note_id": 3, "settings": SETTINGS}),
        ("star", {**ids, "note_id": 3, "stars": 2}),
    ]


def test_a_paged_list_passes_its_filters_sort_and_window_as_its_query() -> None:
    calls.clear()
    with _client() as client:
        assert client.get("/shelves/1/notes").status_code == 200
        query = "search=x&starred=true&sort=-text&offset=5&limit=7"
        assert client.get(f"/shelves/1/notes?{query}").status_code == 200
        assert client.get("/shelves/1/notes?limit=0").status_code == 400
        assert client.get("/shelves/1/notes?search=").status_code == 400
    given = {"shelf_id": 1, "viewer": VIEWER}
    first = NoteQuery(search=None, starred=None, sort="text", offset=0, limit=DEFAULT_LIMIT)
    second = NoteQuery(search="x", starred=True, sort="-text", offset=5, limit=7)
    assert calls == [("page", given | {"query": first}), ("page", given | {"query": second})]


def test_a_path_id_must_be_a_valid_id() -> None:
    with _client() as client:
        assert client.get("/shelves/0/2/notes").status_code == 400
        assert client.delete("/shelves/1/2/notes/-1").status_code == 400


def test_routes_are_named_after_their_attribute_and_documented_with_their_text() -> None:
    with _client() as client:
        schema = client.app.openapi_schema.to_schema()
    operations = {
        operation["operationId"]: operation
        for item in schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert set(operations) == {
        "listNotes",
        "addNote",
        "getNote",
        "changeNote",
        "deleteNote",
        "pinNote",
        "starNote",
        "pageNotes",
        "plainHandler",
    }
    assert operations["getNote"]["summary"] == "Get a note."
    assert operations["getNote"]["description"] == "In full."
    assert operations["plainHandler"]["summary"] == "A handler written out."
    query = {p["name"] for p in operations["pageNotes"]["parameters"] if p["in"] == "query"}
    assert query == {"search", "starred", "sort", "offset", "limit"}
