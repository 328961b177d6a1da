"""Published results on S-Comm and crime, shown beside ours (qualitative: the coefficient tables
were not retrieved, so no published number is quoted)."""

from __future__ import annotations

PUBLISHED = (
    {
        "study": "Miles & Cox (2014)",
        "title": 'Does Immigration Enforcement Reduce Crime? Evidence from "Secure Communities"',
        "venue": "Journal of Law & Economics 57(4): 937-973",
        "url": "https://www.law.uchicago.edu/faculty/miles/securecommunities",
        "grade": "report (peer-reviewed article; abstract read in the authors' 21 Aug 2014 draft)",
        "design": "difference-in-differences on the staggered activation across more than 3,000 "
        "counties, FBI UCR crime rates; a second step with FOIA county-month detainee counts",
        "finding": "no meaningful reduction in the FBI index crime rate, and no reduction in "
        "violent crime (homicide, rape, robbery, aggravated assault)",
        "estimate": None,
        "estimate_note": "point estimates not retrieved; only the qualitative result is available",
    },
    {
        "study": "Treyger, Chalfin & Loeffler (2014)",
        "title": "Immigration Enforcement, Policing, and Crime: Evidence from the Secure "
        "Communities Program",
        "venue": "Criminology & Public Policy 13(2): 285ff, doi 10.1111/1745-9133.12085",
        "url": "https://doi.org/10.1111/1745-9133.12085",
        "grade": "report (peer-reviewed article; research summary read in a mirror copy)",
        "design": "staggered activation of Secure Communities; crime and local arrest behavior",
        "finding": "little evidence of an effect on crime, and little evidence that local police "
        "changed arrest behavior",
        "estimate": None,
        "estimate_note": "point estimates not retrieved; only the qualitative result is available",
    },
)
