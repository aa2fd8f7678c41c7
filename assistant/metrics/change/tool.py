"""explain_change as a chat tool beside the metric tools: summary for the model, result for
the person (content_and_artifact), errors in plain words."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import StructuredTool, ToolException
from pydantic import ValidationError

from assistant.errors import UserError
from assistant.metrics.catalog import Catalog
from assistant.metrics.change.args import ChangeArgs, explain
from assistant.metrics.change.explain import explain_change
from assistant.metrics.change.result import ChangeResult

NAME = "explain_change"
DESCRIPTION = (
    "Why a headline figure moved: this range vs the previous equal range (default: last "
    "complete ISO week vs the week before), or two values of one filter in one range "
    "(versus=segments). Both values, the change, a 95% interval, whether it is beyond "
    "normal week-to-week variation, and the segments that stand out. For why / vs / "
    "compared with / which segment dropped most."
)


def change_tool(catalog: Catalog) -> StructuredTool:
    def run(**kwargs: Any) -> tuple[str, ChangeResult]:
        try:
            result = explain_change(catalog, kwargs)
        except UserError as exc:
            raise ToolException(str(exc)) from None
        return result.summary(), result

    return StructuredTool.from_function(
        func=run, name=NAME, description=DESCRIPTION, args_schema=ChangeArgs,
        response_format="content_and_artifact", handle_tool_error=True,
        handle_validation_error=explain_validation,
    )


def explain_validation(exc: ValidationError) -> str:
    return explain(exc)
