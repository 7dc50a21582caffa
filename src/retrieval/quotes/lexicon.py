"""General English word lists for quote attribution: speech verbs, role nouns, titles, documents."""

from __future__ import annotations

# Lemmas of verbs that introduce speech or a stated position. A quoted fragment governed by one of these
# is a quote of the verb's subject; the narrower INDIRECT set also turns an unquoted clause into a quote.
INDIRECT_VERBS = frozenset(
    """
    say tell state add claim announce report warn argue insist explain note stress confirm deny
    acknowledge admit write tweet predict suggest assert allege contend maintain declare reply respond
    promise vow emphasize emphasise testify reveal concede complain recall reiterate estimate caution
    charge concur affirm disclose indicate observe remark comment counter retort boast
    """.split()
)
CUE_VERBS = INDIRECT_VERBS | frozenset(
    """
    agree ask answer call urge express point mention continue conclude joke quip scoff shout yell cry
    recount lament propose hope believe think want label dub brand blast slam criticize criticise
    praise condemn welcome demand pledge repeat quote cite read tout decry denounce dismiss question
    wonder signal threaten refer characterize characterise term plead laugh whisper muse opine describe
    accuse chant sing post rate rule lambast mock attack tell recommend vow promise insist declare
    encourage reject object applaud hail thank laud scold rail defend accept demand seek liken compare
    exhort implore
    """.split()
)

# Cue verbs that also have a plain sense ("maintains a relationship"): they attribute a quote only
# when the quote sits in their clausal complement.
CLAUSE_ONLY_VERBS = frozenset(
    "maintain charge observe continue post read rule accept seek signal defend hold point note add".split()
)

# Nouns for something said; with a possessor they attribute what follows ("Trump’s claim that …").
SPEECH_NOUNS = frozenset(
    """
    claim remark comment assertion accusation warning promise pledge vow description argument
    suggestion insistence contention allegation admission words prediction boast complaint
    """.split()
)

# Role nouns that name a person; a nominal speaker with one of these heads is resolved by role.
PERSON_ROLES = frozenset(
    """
    spokesman spokeswoman spokesperson minister leader president premier chancellor secretary official
    senator governor mayor general admiral commander chief chairman chairwoman chair director adviser
    advisor aide ambassador diplomat envoy candidate nominee lawmaker legislator congressman
    congresswoman representative deputy head king queen prince monarch judge prosecutor attorney lawyer
    officer manager founder executive ceo analyst expert researcher professor economist strategist
    counterpart dictator ruler emperor politician campaigner activist author writer reporter journalist
    editor host anchor moderator surrogate operative chairperson pope bishop cardinal sheriff colonel
    captain sergeant lieutenant marshal commissioner administrator superintendent principal governor
    adviser advisor developer businessman businesswoman billionaire winner lady wife husband daughter
    son mother father brother sister friend partner member supporter critic opponent rival colleague
    physician doctor surgeon scientist scholar student teacher pastor rabbi priest imam coach player
    star actor actress singer rapper comedian musician artist producer owner investor banker
    pollster consultant lobbyist correspondent columnist commentator blogger veteran soldier trooper
    agent detective investigator inspector auditor challenger incumbent narrator spokespeople
    engineer architect planner designer technician mechanic electrician builder contractor surveyor
    geologist chemist physicist biologist nurse practitioner paramedic medic therapist psychologist
    psychiatrist pharmacist dentist veterinarian epidemiologist pathologist coroner examiner pilot
    farmer rancher chef baker accountant treasurer clerk controller comptroller registrar recorder
    councilman councilwoman councillor councilor alderman alderwoman assemblyman assemblywoman
    selectman ombudsman delegate speaker whip magistrate justice solicitor barrister counsel
    counselor counsellor defender warden constable ranger firefighter policeman policewoman
    patrolman trustee regent provost dean rector lecturer instructor tutor librarian curator
    historian archaeologist anthropologist sociologist biographer novelist poet playwright
    photographer filmmaker director organizer organiser coordinator supervisor foreman steward
    negotiator mediator arbitrator broker trader dealer entrepreneur president-elect
    vice-president undersecretary attaché attache consul governor-general premier-elect cfo coo cto
    cio chieftain elder sheikh cleric preacher minister-president missionary nun monk archbishop
    deacon reverend chaplain fellow associate liaison widow widower democrat republican libertarian
    """.split()
)
# Party members as role nouns ("Democrat of California" is an affiliation rather than an office).
PARTY_NOUNS = frozenset("democrat republican libertarian independent conservative liberal socialist".split())
# Endings of nouns that name a person by function ("economist", "politician", "chairwoman").
PERSON_SUFFIXES = ("ist", "ian", "man", "woman", "person")
# Abbreviated titles as they appear before names ("Gov. Mike Pence" is a governor).
ABBREVIATIONS = {
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "gen": "general",
    "adm": "admiral",
    "lt": "lieutenant",
    "col": "colonel",
    "capt": "captain",
    "sgt": "sergeant",
    "sec": "secretary",
    "amb": "ambassador",
    "atty": "attorney",
    "supt": "superintendent",
    "prof": "professor",
    "dr": "doctor",
    "pres": "president",
    "sens": "senator",
    "reps": "representative",
}
# Generic role nouns that stand for any of several specific roles ("the Russian leader" is a president).
ROLE_FAMILIES: dict[str, frozenset[str]] = {
    "leader": frozenset("president premier chancellor king queen monarch ruler dictator emperor".split())
    | frozenset({"prime", "leader", "chairman", "head"}),
    "spokesman": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "spokeswoman": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "spokesperson": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "official": frozenset(
        "official minister secretary spokesman spokeswoman spokesperson director chief officer".split()
    ),
    "diplomat": frozenset({"diplomat", "ambassador", "envoy", "minister", "secretary"}),
    "candidate": frozenset({"candidate", "nominee"}),
    "nominee": frozenset({"candidate", "nominee"}),
    "lawmaker": frozenset("lawmaker legislator senator congressman congresswoman representative".split()),
    "commander": frozenset({"commander", "general", "admiral", "chief"}),
}
# Modifiers that do not restrict which person a nominal means ("the former minister").
NON_RESTRICTIVE = frozenset(
    "former top senior then current new veteran longtime outgoing incoming acting chief same".split()
)

# Heads of nominals that name an organisation or a country speaking as one.
ORG_NOUNS = frozenset(
    """
    military army navy force forces ministry government administration department agency office
    committee commission council campaign party company firm group organization organisation
    union court police embassy command fleet bureau authority authorities service parliament congress
    senate house cabinet presidency kremlin state country nation coalition alliance team club
    newspaper paper network channel magazine outlet station institute foundation association board
    corporation bank university school
    """.split()
)
# Documents speak for whoever issued them ("the statement said", "is in the same note").
DOCUMENT_NOUNS = frozenset(
    """
    statement note report release communique communiqué letter memo memorandum document filing
    announcement declaration notice bulletin email tweet post message transcript analysis study survey
    poll audit complaint lawsuit
    """.split()
)

# Courtesy titles and honorifics dropped from names ("Mr. Trump" is "Trump").
TITLES = frozenset(
    """
    mr mrs ms miss mx dr prof sir dame lord lady rev sen rep gov gen adm col capt lt sgt president
    senator governor representative congressman congresswoman secretary minister premier chancellor
    judge justice mayor ambassador pope king queen prince princess
    """.split()
)
# Title words that stand before a name as part of a role ("Mayor Ana Silva", "Police Chief Ann Lee");
# when the NER span starts with them, they are the role, not the name.
NAME_TITLES = TITLES | frozenset(
    """
    chief coach sheriff commissioner superintendent councilman councilwoman councillor councilor
    alderman assemblyman assemblywoman detective inspector officer sergeant lieutenant captain colonel
    general admiral commander marshal corporal trooper constable deputy vice chairman
    chairwoman chair speaker leader director rabbi pastor father reverend bishop archbishop cardinal
    imam sheikh emir sultan emperor empress crown president-elect premier-elect
    professor attorney prosecutor treasurer comptroller auditor
    """.split()
)
# Verbs of a relative clause that give the person a role ("X, who heads the agency," is its head).
ROLE_VERBS = {
    "head": "head",
    "lead": "leader",
    "chair": "chair",
    "direct": "director",
    "manage": "manager",
    "run": "head",
    "own": "owner",
    "found": "founder",
    "coach": "coach",
    "represent": "representative",
    "advise": "adviser",
    "command": "commander",
    "edit": "editor",
    "teach": "teacher",
    "oversee": "head",
    "supervise": "supervisor",
    "coordinate": "coordinator",
    "govern": "governor",
}

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"it", "they", "we"})

# Words that a title-cased name may contain in lower case ("Fox and Friends", "State of the Union").
NAME_FUNCTION_WORDS = frozenset("of the and a an in on for to at by with de la del von van".split())
# Nouns that announce a name in quotation marks rather than a quote ("the ship “Endeavour”").
NAMING_NOUNS = frozenset(
    """
    ship vessel destroyer carrier frigate submarine boat film movie book novel song album show
    programme program series article column essay play documentary episode podcast poem painting
    operation exercise campaign slogan nickname hashtag headline title name brand motto
    titled entitled called named dubbed
    """.split()
)
