"""Step tables: a workflow written down once, one entry per step, and everything else derived from it.

A system lists its steps as `Step` entries: the states each step leaves and the state it enters, its label, who may
take it (any one of its permissions, and the action the case's access policy must allow), the case kinds it applies
to, its guards on the case's data (each gives the reason the step is refused, or None), its form and its service,
and the letter it sends, which the page shows before the user confirms. `StepTable` derives from these entries the
python-statemachine class that enforces the edges, the permission map, the labels, the steps of each kind, the
forms, services and letter steps, and, for the case page and the API alike, the steps a user can take now
(`available_steps`). Adding a step is one entry, and a page and the API cannot offer different steps.

Forms, services and letter previews may be named by dotted path, so a system's table imports neither its forms nor
its services (which check their steps against the table) and no import circle forms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from statemachine import State, StateMachine
from statemachine.exceptions import TransitionNotAllowed
from statemachine.factory import StateMachineMetaclass
from statemachine.transition_list import TransitionList

from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.core.errors import Conflict

Label = str | Promise
# A guard looks at the case's data and gives the reason the step is refused (shown to the user), or None.
Guard = Callable[[Any], "str | None"]
# May the principal do this action (the policy's word: "handle", "decide", ...) to this case?
Allows = Callable[[Principal, str, Any], bool]

# Where the case page offers a step (``Step.offered``).
NEXT_STEPS = "next_steps"  # among the case's next steps
APART = "apart"  # in a panel of its own on the case page; still one of the API's allowed steps
NOT_OFFERED = "not_offered"  # taken on a page of its own (a medical adviser's answer): not a step of the case page


class TransitionRefused(Conflict):
    """The step is not possible for the case's kind, in its state, or with its data (the message says why)."""

    code = "transition_refused"


@dataclass(frozen=True)
class Step:
    event: str
    label: Label
    # Source state -> target state; a step that leaves the state as it is maps a state to itself.
    edges: Mapping[str, str]
    # Any one of these permissions lets a user take the step (the policy then checks the office or assignment).
    permissions: tuple[str, ...]
    policy_action: str = "handle"
    # The case kinds (e.g. routes) the step applies to; None: every kind.
    kinds: frozenset[str] | None = None
    guards: tuple[Guard, ...] = ()
    form: str | type | None = None
    service: str | Callable[..., Any] | None = None
    # Fixed arguments of the service for this step (one service may take two steps, e.g. granted=True/False).
    fixed: Mapping[str, Any] = field(default_factory=dict)
    # The service that shows the letter the step sends, before the user confirms it; None: the step sends none.
    preview: str | Callable[..., Any] | None = None
    offered: str = NEXT_STEPS
    # The button's text when it should say more than the label (the label titles the step's page).
    button_label: Label | None = None

    @property
    def sends_letter(self) -> bool:
        return self.preview is not None


class StepFormMixin:
    """What the form of a step adds to a Django form: it is built for a case, and gives its service the arguments.

    The defaults suit a form whose fields are exactly the service's keyword arguments besides the case; a form that
    needs more (the case, the step) or gives its service a value built from several fields overrides them.
    """

    cleaned_data: dict[str, Any]

    @classmethod
    def for_step(cls, step: Step, case: Any, data: Any = None) -> Any:
        return cast(Any, cls)(data, initial={"version": case.version})

    def step_arguments(self, case: Any) -> dict[str, Any]:
        return {"case": case, **self.cleaned_data}

    def preview_arguments(self, case: Any) -> dict[str, Any]:
        """What the step's letter preview takes: the step's arguments but the case version (nothing is saved)."""
        arguments = self.step_arguments(case)
        arguments.pop("version", None)
        return arguments


def _object_policy(principal: Principal, action: str, case: Any) -> bool:
    return policies.policy_for(type(case)).can(principal, action, case)


def _resolve(target: Any) -> Any:
    return import_string(target) if isinstance(target, str) else target


class StepTable:
    """A workflow's steps and what is derived from them (see the module's docstring)."""

    def __init__(
        self,
        name: str,
        *,
        states: Mapping[str, Label],
        initial: str,
        steps: Iterable[Step],
        state_field: str = "status",
        kind_field: str | None = None,
        kinds: Iterable[str] = (),
        allows: Allows = _object_policy,
    ) -> None:
        self.name = name
        self.states = dict(states)
        clashes = [state for state in self.states if hasattr(StateMachine, state)]
        if clashes:
            raise ValueError(f"{name}: {clashes} are names python-statemachine uses; choose others")
        self.state_field = state_field
        self.kind_field = kind_field
        self._allows = allows
        self._steps: dict[str, Step] = {}
        for step in steps:
            self._add(step)
        all_kinds = list(kinds)
        unknown_kinds = {k for s in self._steps.values() for k in (s.kinds or ())} - set(all_kinds)
        if unknown_kinds:
            raise ValueError(f"{name}: steps name kinds the table does not list: {sorted(unknown_kinds)}")

        self.events: tuple[str, ...] = tuple(self._steps)
        self.labels: dict[str, Label] = {e: s.label for e, s in self._steps.items()}
        self.permissions: dict[str, tuple[str, ...]] = {e: s.permissions for e, s in self._steps.items()}
        self.kind_events: dict[str, frozenset[str]] = {
            kind: frozenset(e for e, s in self._steps.items() if s.kinds is None or kind in s.kinds)
            for kind in all_kinds
        }
        self.letter_steps: frozenset[str] = frozenset(e for e, s in self._steps.items() if s.sends_letter)
        self.machine: type[StateMachine] = self._build_machine(initial)

    def _add(self, step: Step) -> None:
        if step.event in self._steps:
            raise ValueError(f"{self.name}: the step {step.event!r} is listed twice")
        if hasattr(StateMachine, step.event):  # the machine's own attribute (``send``) would be replaced
            raise ValueError(f"{self.name}: {step.event!r} is a name python-statemachine uses; choose another")
        unknown = (set(step.edges) | set(step.edges.values())) - set(self.states)
        if unknown:
            raise ValueError(f"{self.name}: {step.event!r} names unknown states {sorted(unknown)}")
        if not step.edges or not step.permissions:
            raise ValueError(f"{self.name}: {step.event!r} needs at least one edge and one permission")
        if step.offered not in {NEXT_STEPS, APART, NOT_OFFERED}:
            raise ValueError(f"{self.name}: {step.event!r} is offered {step.offered!r}")
        if step.offered != NOT_OFFERED and (step.form is None or step.service is None):
            raise ValueError(f"{self.name}: {step.event!r} is offered, so it needs a form and a service")
        self._steps[step.event] = step

    def _build_machine(self, initial: str) -> type[StateMachine]:
        """The python-statemachine class of the table's edges (it checks the table: reachable states, no traps)."""
        states = {
            # Named by value: a lazy label would be translated as the module is imported.
            value: State(value, value=value, initial=value == initial)
            for value in self.states
        }
        attrs: dict[str, Any] = dict(states)
        for event, step in self._steps.items():
            transitions: TransitionList | None = None
            for source, target in step.edges.items():
                edge = states[source].to.itself() if source == target else states[source].to(states[target])
                transitions = edge if transitions is None else transitions | edge
            attrs[event] = transitions
        return cast(type[StateMachine], StateMachineMetaclass(self.name, (StateMachine,), attrs))

    # ------------------------------------------------------------ the table

    def step(self, event: str) -> Step:
        return self._steps[event]

    def __iter__(self) -> Iterator[Step]:
        return iter(self._steps.values())

    def __contains__(self, event: object) -> bool:
        return event in self._steps

    def button_label(self, event: str) -> Label:
        step = self._steps[event]
        return step.button_label or step.label

    def applies_to(self, event: str, kind: str) -> bool:
        return event in self.kind_events.get(kind, frozenset())

    @cached_property
    def forms(self) -> dict[str, type]:
        """The form of each step the pages and the API offer."""
        return {e: _resolve(s.form) for e, s in self._steps.items() if s.offered != NOT_OFFERED}

    @cached_property
    def actions(self) -> dict[str, tuple[Callable[..., Any], Mapping[str, Any]]]:
        """The service of each step the pages and the API offer, with its fixed arguments."""
        return {e: (_resolve(s.service), s.fixed) for e, s in self._steps.items() if s.offered != NOT_OFFERED}

    # ------------------------------------------------------------ a case

    def _kind(self, case: Any) -> str | None:
        return getattr(case, self.kind_field) if self.kind_field else None

    def machine_for(self, case: Any) -> StateMachine:
        return self.machine(case, state_field=self.state_field)

    def allowed_events(self, case: Any) -> list[str]:
        """The steps the case's state and kind allow, in the table's order (guards and permissions aside)."""
        kind = self._kind(case)
        state = getattr(case, self.state_field)
        return [
            event
            for event, step in self._steps.items()
            if state in step.edges and (kind is None or self.applies_to(event, kind))
        ]

    def refusal(self, case: Any, event: str) -> str | None:
        """Why the step is not possible for this case now (kind, state, then the guards in order), or None."""
        step = self._steps[event]
        kind = self._kind(case)
        if kind is not None and not self.applies_to(event, kind):
            # The placeholder is the case kind's label (treatment abroad's kinds are its routes).
            return _("“%(event)s” is not possible for %(route)s.") % {
                "event": step.label,
                "route": getattr(case, f"get_{self.kind_field}_display")(),
            }
        state = getattr(case, self.state_field)
        if state not in step.edges:
            return _("“%(event)s” is not possible while the case is “%(status)s”.") % {
                "event": step.label,
                "status": self.states.get(state, state),
            }
        for guard in step.guards:
            reason = guard(case)
            if reason is not None:
                return reason
        return None

    def check_step(self, case: Any, event: str) -> None:
        """Refuse, with the reason for the user, a step the case's kind, state or data does not allow."""
        reason = self.refusal(case, event)
        if reason is not None:
            raise TransitionRefused(reason)

    def may_take(self, principal: Principal, case: Any, event: str) -> bool:
        """Whether the principal's permissions and the case's access policy let them take the step."""
        step = self._steps[event]
        return principal.has_any(*step.permissions) and self._allows(principal, step.policy_action, case)

    def available_steps(self, principal: Principal, case: Any) -> list[str]:
        """The steps this principal can take on the case now, as the case page and the API offer them: the case's
        kind, state and data and the principal's permissions all allow them."""
        return [
            event
            for event in self.allowed_events(case)
            if self._steps[event].offered != NOT_OFFERED
            and self.may_take(principal, case, event)
            and not any(guard(case) is not None for guard in self._steps[event].guards)
        ]

    def move(self, case: Any, event: str) -> None:
        """Move the case along the step's edge (check it first with ``check_step``)."""
        try:
            self.machine_for(case).send(event)
        except TransitionNotAllowed:  # checked before; this would be a bug in the table or its caller
            raise TransitionRefused(_("The step is not possible now.")) from None

    # ------------------------------------------------------------ the step's form, service and letter

    def form(self, event: str, case: Any, data: Any = None) -> Any:
        """The step's form for the case, bound to ``data`` when given (the page's POST, the API's payload)."""
        step = self._steps[event]
        form_class: type[StepFormMixin] = _resolve(step.form)
        return form_class.for_step(step, case, data)

    def take(self, event: str, actor: Principal, case: Any, form: StepFormMixin) -> Any:
        """Take the step with its validated form: its service, with the form's and the step's fixed arguments."""
        step = self._steps[event]
        return _resolve(step.service)(actor=actor, **form.step_arguments(case), **step.fixed)

    def preview(self, event: str, actor: Principal, case: Any, form: StepFormMixin) -> Any:
        """The letter the step will send, from its validated form; nothing is saved."""
        step = self._steps[event]
        if step.preview is None:
            raise ValueError(f"{event} sends no letter")
        return _resolve(step.preview)(actor=actor, **form.preview_arguments(case))

    def resolve_all(self) -> None:
        """Import every form, service and preview the table names (a test calls it: a typo fails at once)."""
        for step in self._steps.values():
            for target in (step.form, step.service, step.preview):
                if target is not None:
                    _resolve(target)
