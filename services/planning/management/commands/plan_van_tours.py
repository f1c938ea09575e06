import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from core.exceptions import Refused
from services.checkups.models import Van
from services.planning.selectors import UNCOVERED_DAYS, UNCOVERED_KM
from services.planning.serializers import TourAcceptInput
from services.planning.services import TourRequest, tour_proposal_accept, tour_proposal_create


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Command(BaseCommand):
    help = (
        "Plan van tours that reach the most workers in a city over a date range (OR-Tools), "
        "print them with the demand covered, and keep the proposal; --accept saves its visits "
        "as check-up events (all or none, each checked by the van rules)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", required=True)
        parser.add_argument("--district")
        parser.add_argument("--from", dest="first_day", type=day, required=True)
        parser.add_argument("--to", dest="last_day", type=day, required=True)
        parser.add_argument(
            "--van", action="append", default=[], help="van name or id (repeat; default: all)"
        )
        parser.add_argument("--station", action="append", default=[], help="candidate code")
        parser.add_argument("--visit-minutes", type=int, default=120)
        parser.add_argument("--uncovered-km", type=float, default=UNCOVERED_KM)
        parser.add_argument("--uncovered-days", type=int, default=UNCOVERED_DAYS)
        parser.add_argument("--time-limit", type=float, default=30.0, help="seconds of search")
        parser.add_argument("--accept", action="store_true", help="save the visits as events")
        parser.add_argument("--kind", help="with --accept: check-up kind code")
        parser.add_argument(
            "--item", action="append", default=[], help="with --accept: an item checked (repeat)"
        )
        parser.add_argument("--members-only", action="store_true")
        parser.add_argument("--women-only", action="store_true")
        parser.add_argument(
            "--occupation", action="append", default=[], help="who may come (repeat; default all)"
        )
        parser.add_argument("--eligibility-note", default="")

    def handle(self, *args, **options) -> None:
        request = TourRequest(
            city=options["city"],
            district=options["district"],
            first_day=options["first_day"],
            last_day=options["last_day"],
            vans=self._vans(options["van"]),
            visit_minutes=options["visit_minutes"],
            station_codes=options["station"],
            uncovered_km=options["uncovered_km"],
            uncovered_days=options["uncovered_days"],
            time_limit_s=options["time_limit"],
        )
        self._check(request)
        offer = self._offer(options) if options["accept"] else {}
        limit = options["time_limit"]
        bar = tqdm(total=round(limit), desc="searching", unit="s", disable=options["verbosity"] < 1)

        def on_solution(elapsed: float) -> None:
            bar.update(min(round(elapsed), bar.total) - bar.n)

        try:
            proposal = tour_proposal_create(
                request=request,
                actor=None,
                on_solution=on_solution,
            )
        except Refused as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.update(bar.total - bar.n)
            bar.close()
        self._print(proposal.plan)
        self.stdout.write(f"Proposal {proposal.pk} kept.")
        if options["accept"]:
            try:
                events = tour_proposal_accept(proposal_id=proposal.pk, actor=None, offer=offer)
            except Refused as exc:
                raise CommandError(f"not accepted: {exc.message}") from exc
            self.stdout.write(self.style.SUCCESS(f"{len(events)} check-up events created."))

    def _vans(self, names: list[str]) -> list[Van]:
        if not names:
            vans = list(Van.objects.all())
            if not vans:
                raise CommandError("no vans: create one first (admin or the organisers' API)")
            return vans
        vans = []
        for name in names:
            van = Van.objects.filter(name=name).first() or (
                Van.objects.filter(pk=int(name)).first() if name.isdigit() else None
            )
            if van is None:
                raise CommandError(f"--van: no van {name!r}")
            vans.append(van)
        return vans

    def _offer(self, options: dict) -> dict:
        """What the accepted visits offer, checked as the API checks it (before any planning)."""
        given = TourAcceptInput(
            data={
                "kind": options["kind"],
                "items": options["item"],
                "members_only": options["members_only"],
                "women_only": options["women_only"],
                "occupations": options["occupation"],
                "eligibility_note": options["eligibility_note"],
            }
        )
        if not given.is_valid():
            field, messages = next(iter(given.errors.items()))
            option = {"items": "item", "occupations": "occupation"}.get(field, field)
            raise CommandError(f"--{option.replace('_', '-')}: {messages}")
        return given.validated_data

    def _check(self, request: TourRequest) -> None:
        if request.last_day < request.first_day:
            raise CommandError("--to: must not be before --from")
        if (request.last_day - request.first_day).days >= 31:
            raise CommandError("--to: at most 31 days")
        if not 30 <= request.visit_minutes <= 480:
            raise CommandError("--visit-minutes: 30 to 480")

    def _print(self, plan: dict) -> None:
        for tour in plan["tours"]:
            if not tour["stops"]:
                continue
            self.stdout.write(f"{tour['date']} {tour['van_name']}: {tour['reached']} workers")
            for stop in tour["stops"]:
                starts, ends = stop["starts_at"][11:16], stop["ends_at"][11:16]
                flag = " (no check-up nearby lately)" if stop["uncovered"] else ""
                self.stdout.write(
                    f"  {stop['order']}. {starts}–{ends} {stop['station']} {stop['name']} "
                    f"(+{stop['drive_minutes']} min drive) reaches {stop['reached']}{flag}"
                )
        share = plan["demand_covered"] / plan["demand_total"] if plan["demand_total"] else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"{plan['visits']} visits reach {plan['demand_covered']} of "
                f"{plan['demand_total']} workers expected ({share:.0%}); solved in "
                f"{plan['solve_seconds']} s."
            )
        )
