"""``<field>__any_of=[…]``: the field equals one of a list, sent as one array (PostgreSQL only).

``__in`` writes a parameter per value: 300,000 ids (a payroll month's contracts) are sixty queries of
5,000 parameters, each bound, parsed and planned as a list of probes. ``= ANY(%s::type[])`` sends the
ids as one value, and the planner, knowing how many there are, scans the table once against a hash of
them when that is cheaper. SQLite has no arrays: ``in_chunks`` keeps ``__in`` there.
"""

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        prepare = self.lhs.output_field.get_db_prep_value
        return "%s", [[prepare(item, connection, prepared=False) for item in value]]

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            raise NotImplementedError("any_of is PostgreSQL's; use __in elsewhere")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::{self.lhs.output_field.db_type(connection)}[])", [
            *lhs_params,
            *rhs_params,
        ]


Field.register_lookup(AnyOf)
# A foreign key keeps its own set of lookups (compared by the target's value).
ForeignObject.register_lookup(AnyOf)
