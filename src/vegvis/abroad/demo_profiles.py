"""The kinds of synthetic cases both demo paths make: through the services (``abroad.demo``) and in bulk
(``abroad.demo_bulk``)."""

from vegvis.abroad.models import Route

# (route, ICD-10, requested treatment, hospital name) drawn from the kinds of cases the 2020 report describes.
PROFILES = [
    (Route.TREATMENT_ABROAD, "G40.2", "MEG-undersøkelse før epilepsikirurgi", "Helsinki University Hospital"),
    (Route.TREATMENT_ABROAD, "G80.1", "Selektiv dorsal rhizotomi (SDR)", "Great Ormond Street Hospital for Children"),
    (
        Route.TREATMENT_ABROAD,
        "O43.0",
        "Laserbehandling av tvilling-tvilling transfusjonssyndrom (TTTS)",
        "Rigshospitalet",
    ),
    (Route.TREATMENT_ABROAD, "O43.0", "Fetoskopisk laser ved TTTS", "Karolinska Universitetssjukhuset"),
    (Route.TREATMENT_ABROAD, "C45.0", "Pleurektomi ved mesoteliom", "Rigshospitalet"),
    (
        Route.TREATMENT_ABROAD,
        "Q32.0",
        "Utredning og behandling av medfødt bronkomalasi",
        "Karolinska Universitetssjukhuset",
    ),
    (Route.TREATMENT_ABROAD, "T88.3", "Utredning for malign hypertermi", "Skånes universitetssjukhus"),
    (Route.TREATMENT_ABROAD, "S78.1", "Oppfølging av benforankret protese", "Sahlgrenska Universitetssjukhuset"),
    (Route.TREATMENT_ABROAD, "M17.0", "MR i vektbærende posisjon", "Universitair Ziekenhuis Leuven"),
    (Route.PGD, "Z31.8", "Preimplantasjonsdiagnostikk (PGD)", "Karolinska Universitetssjukhuset"),
    (Route.PARTICLE_THERAPY, "C71.6", "Protonbestråling", "Skandionkliniken"),
    (Route.PARTICLE_THERAPY, "C69.3", "Protonbestråling av øyekreft", "Hôpital ophtalmique Jules-Gonin"),
    (Route.PARTICLE_THERAPY, "C41.2", "Karbonionebestråling", "Heidelberger Ionenstrahl-Therapiezentrum"),
    (
        Route.NORDIC_DRUG_PROTOCOL,
        "C71.9",
        "Nordisk legemiddelprotokoll, terapiresistent kreft hos barn",
        "Rigshospitalet",
    ),
    (
        Route.HELFO_ADVICE,
        "M16.1",
        "Råd til HELFO om refusjon av hofteprotese i annet EØS-land",
        "Charité – Universitätsmedizin Berlin",
    ),
]

# Approximate NOK per unit, to give the demo a rate table (marked as synthetic).
DEMO_RATES = {"EUR": "10.75", "SEK": "1.03", "DKK": "1.44", "GBP": "12.40", "USD": "9.70", "CHF": "11.05"}
