"""Corrections to moto's EventBridge where it departs from AWS: rules deliver to Lambda functions, asynchronously."""

from __future__ import annotations

import copy
import datetime
import fnmatch
import json
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .registry import patch

EVENTS_PRINCIPAL = "events.amazonaws.com"


@dataclass
class Delivery:
    """One event for one Lambda target of one rule: what happened to it."""

    rule_arn: str
    function_arn: str
    event_id: str
    detail_type: str
    payload: Any = None
    status: str = "pending"  # pending, delivered, failed (the function failed or could not run), dropped
    reason: str = ""
    result: Any = field(default=None, repr=False)


class Deliveries:
    """The emulator process's record of EventBridge deliveries to Lambda functions, and a way to wait for them."""

    def __init__(self, keep: int = 1000) -> None:
        self._condition = threading.Condition()
        self._running = 0
        self._records: deque[Delivery] = deque(maxlen=keep)

    def add(self, delivery: Delivery) -> None:
        with self._condition:
            self._records.append(delivery)
            if delivery.status == "pending":
                self._running += 1

    def finish(self, delivery: Delivery, status: str, reason: str = "", result: Any = None) -> None:
        with self._condition:
            delivery.status, delivery.reason, delivery.result = status, reason, result
            self._running -= 1
            self._condition.notify_all()

    def wait(self, timeout: float = 30.0) -> bool:
        """Until no delivery is running (True), or timeout seconds (False)."""
        with self._condition:
            return self._condition.wait_for(lambda: self._running == 0, timeout)

    def records(self) -> list[Delivery]:
        with self._condition:
            return list(self._records)


deliveries = Deliveries()


def iso_time(value: Any) -> str:
    """EventBridge's `time`: ISO 8601 UTC to the second. moto keeps it as epoch seconds."""
    if isinstance(value, (int, float)):
        moment = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def event_as_delivered(event: dict[str, Any]) -> dict[str, Any]:
    """The event as AWS hands it to a target: the envelope fields, `time` as ISO 8601, no moto-internal keys."""
    delivered = {key: copy.deepcopy(value) for key, value in event.items() if key != "ingestion-time"}
    delivered["time"] = iso_time(event.get("time"))
    return delivered


def target_payload(target: dict[str, Any], event: dict[str, Any], transform_input: bool) -> Any:
    """What the target gets: Input as given, InputPath's part of the event, InputTransformer's result, or the event."""
    delivered = event_as_delivered(event)
    if not transform_input:
        return delivered
    if target.get("Input") is not None:
        return json.loads(target["Input"])
    if target.get("InputPath"):
        from jsonpath_ng.ext import parse

        matches = parse(target["InputPath"]).find(delivered)
        return matches[0].value if matches else None
    transformer = target.get("InputTransformer")
    if transformer:
        from moto.events.utils import EventTemplateParser

        return EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event={**delivered, "ingestion-time": event.get("ingestion-time")},
        )
    return delivered


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _condition_holds(condition: dict[str, Any], rule_arn: str, account_id: str) -> bool:
    """The conditions a Lambda permission for EventBridge carries: aws:SourceArn, aws:SourceAccount."""
    context = {"aws:sourcearn": rule_arn, "aws:sourceaccount": account_id}
    for operator, tests in condition.items():
        for key, expected in tests.items():
            actual = context.get(key.lower())
            if actual is None:
                return False
            if operator in ("ArnLike", "StringLike"):
                if not any(fnmatch.fnmatchcase(actual, pattern) for pattern in _values(expected)):
                    return False
            elif operator in ("ArnEquals", "StringEquals"):
                if actual not in _values(expected):
                    return False
            else:
                return False
    return True


def _statement_applies(statement: dict[str, Any], rule_arn: str, account_id: str) -> bool:
    actions = [str(action).lower() for action in _values(statement.get("Action", []))]
    if not any(action in ("lambda:invokefunction", "lambda:*", "*") for action in actions):
        return False
    principal = statement.get("Principal")
    services = _values(principal.get("Service", [])) if isinstance(principal, dict) else [principal]
    if not (EVENTS_PRINCIPAL in services or "*" in services):
        return False
    return _condition_holds(statement.get("Condition") or {}, rule_arn, account_id)


def events_may_invoke(function: Any, rule_arn: str, account_id: str) -> bool:
    """Whether the function's resource-based policy lets EventBridge invoke it for this rule (a Deny wins)."""
    statements = list(getattr(getattr(function, "policy", None), "statements", None) or [])
    applicable = [s for s in statements if _statement_applies(s, rule_arn, account_id)]
    if any(s.get("Effect", "Allow") == "Deny" for s in applicable):
        return False
    return any(s.get("Effect", "Allow") == "Allow" for s in applicable)


def _log(message: str) -> None:
    print(f"EventBridge: {message}", file=sys.stderr, flush=True)


def _invoke_later(function: Any, delivery: Delivery) -> None:
    """Invoke the function with the payload in a thread of its own, once the API call that emitted the event has
    answered: the function may call back into the emulator, which handles one call at a time."""

    def run() -> None:
        try:
            from .server import REQUEST_LOCK

            with REQUEST_LOCK:
                pass
            result, failed, _ = function._invoke_lambda(event=delivery.payload)
            if failed:
                _log(
                    f"function {delivery.function_arn} failed on event {delivery.event_id} "
                    f"({delivery.detail_type}) of rule {delivery.rule_arn}: {result}"
                )
            deliveries.finish(delivery, "failed" if failed else "delivered", result=result)
        except Exception as exc:  # never let a delivery take the emulator down
            _log(f"could not invoke {delivery.function_arn} for rule {delivery.rule_arn}: {exc!r}")
            deliveries.finish(delivery, "failed", reason=repr(exc))

    threading.Thread(target=run, name=f"eventbridge-{delivery.event_id[:8]}", daemon=True).start()


def deliver_to_lambda(rule: Any, target: dict[str, Any], event: dict[str, Any], transform_input: bool) -> None:
    """One matching event for one Lambda target: checked now, invoked asynchronously."""
    from moto.awslambda.models import lambda_backends
    from moto.utilities.arns import parse_arn

    arn = parse_arn(target["Arn"])
    delivery = Delivery(rule.arn, target["Arn"], str(event.get("id", "")), str(event.get("detail-type", "")))
    try:
        # arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
        name, _, qualifier = arn.resource_id.partition(":")
        function = lambda_backends[arn.account][arn.region].get_function(name, qualifier or None)
        if not events_may_invoke(function, rule.arn, rule.account_id):
            delivery.status = "dropped"
            delivery.reason = f"the resource policy of {target['Arn']} does not allow {EVENTS_PRINCIPAL} to invoke it"
        else:
            delivery.payload = target_payload(target, event, transform_input)
    except Exception as exc:
        delivery.status, delivery.reason = "dropped", repr(exc)
    deliveries.add(delivery)
    if delivery.status == "dropped":
        _log(f"dropped event {delivery.event_id} ({delivery.detail_type}) of rule {rule.arn}: {delivery.reason}")
        return
    _invoke_later(function, delivery)


@patch
def events_lambda_targets() -> None:
    """AWS EventBridge invokes a rule's Lambda targets asynchronously with the
    matching event (or the target's Input, InputPath or InputTransformer result),
    when the function's resource-based policy lets events.amazonaws.com invoke it
    (for that rule's ARN, if the permission names one), and drops the event
    otherwise. moto raised NotImplementedError for a Lambda target, so PutEvents
    failed with HTTP 500 and nothing was delivered. The function now runs in a
    thread of its own once the call that emitted the event has answered (it may
    call back into the emulator); a failure is logged, never raised. The same
    correction of Rule.send_to_targets restores three more behaviours of AWS: a
    DISABLED rule delivers nothing, a rule without an event pattern (a schedule)
    matches no event (moto matched every event), and a target type moto cannot
    deliver to is logged and skipped instead of failing the call and the rules
    after it. Seen with moto 5.2.1."""
    from moto.events.models import Rule
    from moto.utilities.arns import parse_arn

    original = Rule.send_to_targets

    def send_to_targets(self: Any, original_event: dict[str, Any], transform_input: bool = True) -> None:
        if self.state == "DISABLED" or not self.event_pattern.get_pattern():
            return
        if not self.event_pattern.matches_event(original_event):
            return
        targets = list(self.targets)
        lambda_targets = [t for t in targets if parse_arn(t["Arn"]).service == "lambda"]
        others = [t for t in targets if t not in lambda_targets]
        for target in lambda_targets:
            deliver_to_lambda(self, target, original_event, transform_input)
        for target in others:
            self.targets = [target]
            try:
                original(self, original_event, transform_input)
            except Exception as exc:
                _log(
                    f"could not deliver event {original_event.get('id')} of rule {self.arn} to {target['Arn']}: {exc!r}"
                )
            finally:
                self.targets = targets

    Rule.send_to_targets = send_to_targets
