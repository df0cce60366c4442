"""Knowledge base upload (would keep documents at the provider)."""

from pathlib import Path

import httpx

from app.llm import client

API = "https://api.openai.com/v1"


def upload_manuals(folder: Path, vector_store_id: str) -> None:
    for pdf in folder.glob("*.pdf"):
        with pdf.open("rb") as f:
            client.vector_stores.files.upload_and_poll(vector_store_id=vector_store_id, file=f)  # expect: ZDR001


def answer(question: str) -> str:
    resp = client.responses.create(  # expect: ZDR005
        model="gpt-4.1-mini",
        input=question,
        store=False,
        tools=[{"type": "file_search", "vector_store_ids": ["vs_1"]}],
    )
    return resp.output_text


def export_batch(jsonl: bytes) -> None:
    httpx.post(f"{API}/files", files={"file": jsonl}, data={"purpose": "batch"})  # expect: ZDR020
    client.batches.create(  # zdr: ignore[ZDR001] synthetic evaluation data only, no user content
        input_file_id="file_1", endpoint="/v1/chat/completions", completion_window="24h"
    )


def embed(texts: list[str]):
    return client.embeddings.create(model="text-embedding-3-small", input=texts)
