"""Finding actions in minutes: each written form, agenda numbers, tables, what is not an action."""

from __future__ import annotations

from datetime import date

import pytest

from bot.minutes.extract import MAX_PROPOSALS, Extraction, extract_actions
from bot.minutes.read import read_minutes
from bot.minutes.report import extraction_json

TODAY = date(2026, 11, 30)
HEADER = "Monthly Assurance Meeting\nDate: Tuesday 26 January 2027, 10:00\n\n"


def extract(text: str, name: str = "minutes.txt") -> Extraction:
    return extract_actions(read_minutes(name, text.encode()), today=TODAY)


def actions(text: str) -> list[dict]:
    return extraction_json(extract(HEADER + text))["actions"]


def test_action_label_with_owner_and_date() -> None:
    [found] = actions("2.1 Calls\nACTION: ACC to provide the PCC with a breakdown by 26/02/2027.")
    assert found["owners"] == ["ACC"] and found["owners_as_written"] == "ACC"
    assert found["text"] == "provide the PCC with a breakdown"
    assert found["due"] == {"kind": "date", "date": "2027-02-26"}
    assert found["agenda_item"] == "2.1"
    assert found["source"] == "ACTION: ACC to provide the PCC with a breakdown by 26/02/2027."
    assert 0.0 <= found["confidence"] <= 1.0


def test_owner_to_sentences_under_actions_arising() -> None:
    found = actions("3. Fleet\nActions arising:\nDCC to report costs to the September meeting.\n"
                    "Fleet strategy to be brought back to the next meeting.\n"
                    "The DCC said the vehicles were in use.")
    assert [(a["owners"], a["due"]["kind"]) for a in found] == [
        (["DCC"], "meeting"), ([], "next_meeting")]
    assert found[0]["due"]["month"] == "2027-09"


def test_it_was_agreed_that_the_dcc_would() -> None:
    [found] = actions("It was agreed that the DCC would review the rural vacancies.")
    assert found["owners"] == ["DCC"] and found["owners_as_written"] == "the DCC"
    assert found["text"] == "review the rural vacancies"


def test_brought_back_to_a_named_meeting_outside_any_action_section() -> None:
    [found] = actions("Use of outcome 16 to be brought back to the November meeting.")
    assert found["owners"] == [] and found["due"]["month"] == "2027-11"


def test_resolved_items_that_ask_for_something_are_actions_and_noting_is_not() -> None:
    found = actions("45 Road safety\nRESOLVED that the PCC report back to the Panel on the "
                    "fund at its September 2027 meeting.\n\n46 Complaints\n"
                    "RESOLVED that the report be noted.\n\n47 Budget\nRESOLVED that:\n"
                    "(a) the precept be supported; and\n"
                    "(b) the Chief Finance Officer be asked to provide a breakdown.\n")
    assert [(a["owners"], a["agenda_item"]) for a in found] == [(["PCC"], "45"), (["CFO"], "47")]
    assert found[0]["due"] == {"kind": "meeting", "date": None, "month": "2027-09"}


def test_took_away_an_action() -> None:
    [found] = actions("ACTION: DCC took away an action to explore the opportunity further.")
    assert found["owners"] == ["DCC"] and found["text"] == "explore the opportunity further"


def test_two_owners_and_role_titles() -> None:
    [found] = actions("ACTION: The Chief Constable and the PCC's CEO to agree the plan.")
    assert found["owners"] == ["CC", "CEO"]


def test_another_owner_is_its_title_without_the() -> None:
    [found] = actions("Actions agreed:\nThe Head of Contact Management to confirm the training.")
    assert found["owners"] == ["Head of Contact Management"]


@pytest.mark.parametrize("sentence", [
    "The force's action plan for the contact centre remains in place.",
    "Actions taken by the force so far include a targeted advert.",
    "The PCC asked the CC to provide his assessment of the uplift.",
    "Standard operating procedures need to be reviewed.",
    "Both the CC and DCC agreed a standalone case should have been produced.",
    "The DCC agreed that this is something that can be built in to discussions with the "
    "PCC's CEO to provide greater strategic oversight.",
    "A number of actions were agreed at the meeting.",
])
def test_narrative_is_not_an_action(sentence: str) -> None:
    assert actions(f"2. Item\n{sentence}") == []


@pytest.mark.parametrize(("heading", "item"), [
    ("2.1 Performance", "2.1"), ("Item 4 – Training", "4"), ("Minute 12/26 Reserves", "12/26"),
    ("41 Apologies", "41"), ("Agenda item 7: AOB", "7"),
])
def test_agenda_numbering(heading: str, item: str) -> None:
    [found] = actions(f"{heading}\nACTION: DCC to review the figures.")
    assert found["agenda_item"] == item


def test_points_numbered_inside_an_item_stay_under_it() -> None:
    found = actions("2.1 Performance\n1. Confidence\nACTION: CC to share the note.\n"
                    "2. Satisfaction\nACTION: CC to review satisfaction.\n2.2 HMICFRS\n"
                    "ACTION: DCC to send the report.")
    assert [a["agenda_item"] for a in found] == ["2.1", "2.1", "2.2"]


def test_matters_arising_bring_actions_forward_not_new_ones() -> None:
    result = extraction_json(extract(
        HEADER + "1. Matters arising\n1.1 Satisfaction (from November 2026)\n"
        "Satisfaction to be reviewed at the January meeting.\n"
        "ACTION: DCC to review the vacancies. Complete.\n2. Holding to account\n"
        "ACTION: CC to share the audit.\n"))
    assert [a["text"] for a in result["actions"]] == ["share the audit"]
    assert len(result["brought_forward"]) == 2


def test_matters_arising_from_another_board_is_an_ordinary_item() -> None:
    found = actions("3. Matters arising from the Service Improvement Board\n"
                    "ACTION: DCC to circulate the SIB minutes.")
    assert len(found) == 1


@pytest.mark.parametrize("header", [
    ("Ref", "Owner", "Action", "Due"),
    ("Action required", "By when", "Lead officer", "No."),
    ("Deadline", "Responsible", "Description"),
])
def test_action_tables_in_any_column_order_and_naming(header: tuple[str, ...]) -> None:
    values = {"ref": "2", "owner": "DCC and ACC", "action": "Report the figures",
              "due": "31/03/2027"}
    kinds = {"Ref": "ref", "No.": "ref", "Owner": "owner", "Lead officer": "owner",
             "Responsible": "owner", "Action": "action", "Action required": "action",
             "Description": "action", "Due": "due", "By when": "due", "Deadline": "due"}
    row = [values[kinds[name]] for name in header]
    text = HEADER + f"| {' | '.join(header)} |\n|{'---|' * len(header)}\n| {' | '.join(row)} |\n"
    [found] = extraction_json(extract(text, "minutes.md"))["actions"]
    assert found["text"] == "Report the figures" and found["owners"] == ["DCC", "ACC"]
    assert found["due"] == {"kind": "date", "date": "2027-03-31"}


def test_a_table_that_is_not_an_action_table_is_ignored() -> None:
    text = HEADER + "| Name | Capacity |\n|---|---|\n| J Smith | Chief Constable (CC) |\n"
    assert extraction_json(extract(text, "minutes.md"))["actions"] == []


def test_an_unreadable_due_date_is_flagged_not_dropped() -> None:
    text = HEADER + "| Action | Owner | Due |\n|---|---|---|\n| Report | DCC | whenever |\n"
    result = extraction_json(extract(text, "minutes.md"))
    assert result["actions"][0]["due"]["kind"] == "none"
    assert any("whenever" in problem for problem in result["problems"])


def test_meeting_and_next_meeting() -> None:
    result = extraction_json(extract(
        "Thematic Meeting on Mental Health\nDate: Thursday 11th March, 1.30 pm 2027\n"
        "1. Item\nNothing.\n5. Confirmation of next meeting type / date / time / venue:\n"
        "Public Facebook Live meeting on rural crime\nMonday 24th June at 19:00\n"))
    assert result["meeting"]["date"] == "2027-03-11"
    assert result["meeting"]["kind"] == "thematic" and result["meeting"]["time"] == "13:30"
    assert result["next_meeting"] == {"date": "2027-06-24", "time": "19:00", "kind": "public",
                                      "title": "Public Facebook Live meeting on rural crime"}


def test_no_meeting_date_is_reported_as_a_problem() -> None:
    result = extraction_json(extract("Notes\nACTION: DCC to review within two weeks."))
    assert result["meeting"] is None or result["meeting"]["date"] is None
    assert result["actions"][0]["due"] == {"kind": "date", "date": "2026-12-14"}
    assert any("meeting's date" in problem for problem in result["problems"])


def test_quarterly_briefings_the_first_in_july() -> None:
    [found] = actions("The ACC to provide the PCC with quarterly briefings, the first in July.")
    assert found["recurs"] == "quarterly" and found["first_due"] == "2027-07"


def test_two_hundred_actions_are_all_proposed_and_more_than_the_cap_are_reported() -> None:
    lines = "".join(f"ACTION: DCC to review item number {n}.\n" for n in range(200))
    assert len(actions(lines)) == 200
    many = "".join(f"ACTION: DCC to review item number {n}.\n" for n in range(MAX_PROPOSALS + 5))
    result = extraction_json(extract(HEADER + many))
    assert len(result["actions"]) == MAX_PROPOSALS
    assert any(f"have {MAX_PROPOSALS + 5} actions" in p for p in result["problems"])


def test_html_paragraphs_and_tab_columns_from_a_converted_word_table() -> None:
    found = actions("2.3\t<p>Funding.</p> <p>ACTION: DCC and the PCC&#8217;s CEO to discuss "
                    "commissioning.</p>\t")
    assert found[0]["owners"] == ["DCC", "CEO"] and found[0]["agenda_item"] == "2.3"


def test_a_hard_wrapped_action_is_joined() -> None:
    [found] = actions("Action arising: Use of outcome 16 to be brought back to the\n"
                      "September meeting.\n")
    assert found["text"] == "Use of outcome 16 to be brought back to the September meeting"


def test_an_owner_only_label_makes_the_sentence_before_it_the_action() -> None:
    [found] = actions("2.2 The DCC will confirm the revised date by 31 May 2027. ACTION: DCC\n"
                      "2.3 The Board noted the report.")
    assert found["owners"] == ["DCC"] and found["text"] == "confirm the revised date"
    assert found["due"] == {"kind": "date", "date": "2027-05-31"}
    assert found["source"].endswith("ACTION: DCC") and found["agenda_item"] == "2.2"


def test_a_label_in_the_middle_of_a_paragraph() -> None:
    [found] = actions("3.3 Members asked that the risk be reviewed. Action: Head of Internal "
                      "Audit to include cyber security in the audit plan.")
    assert found["owners"] == ["Head of Internal Audit"]


def test_owner_dash_lines_under_a_bare_actions_heading_sit_under_no_item() -> None:
    found = actions("Item 3 - Violence\nThe DPCC welcomed the plan.\n\nActions\n"
                    "• DCC / ACC – write to the DPCC with the start dates by 9 July\n"
                    "• Policy Officer – add VAWG to the forward plan\n")
    assert [(a["owners"], a["agenda_item"]) for a in found] == [
        (["DCC", "ACC"], None), (["Policy Officer"], None)]
    assert found[0]["due"] == {"kind": "date", "date": "2027-07-09"}


def test_a_dash_inside_prose_is_not_an_owner() -> None:
    assert actions("2. Item\nThe CC – who had just arrived – said the plan was on track.") == []


def test_a_short_numbered_line_can_be_an_action() -> None:
    [found] = actions("2.3 DCC to circulate the report\n2.4 Performance")
    assert found["owners"] == ["DCC"] and found["agenda_item"] == "2.3"


def test_a_named_role_that_will_do_something_is_an_action_and_a_prediction_is_not() -> None:
    found = actions("1. Roads\nThe ACC will provide the collision data before the next meeting.\n"
                    "The CC will be at the launch. The force will publish its plan.")
    assert [(a["owners"], a["due"]["kind"]) for a in found] == [(["ACC"], "next_meeting")]


def test_agreed_with_a_colon() -> None:
    [found] = actions("3.2 Agreed: the OPCC Policy Officer to feed back the findings.")
    assert found["owners"] == ["OPCC Policy Officer"]


def test_a_named_kind_of_meeting_in_a_due() -> None:
    [found] = actions("ACTION: PCC to set out the savings plan in his report to the February "
                      "Panel meeting.")
    assert found["due"] == {"kind": "meeting", "date": None, "month": "2027-02"}


def test_an_action_log_review_brings_actions_forward() -> None:
    text = (HEADER + "## 1. Minutes and action log\n| No. | Action | Lead |\n|---|---|---|\n"
            "| 1 | Circulate the profile | ACC |\n## 2. Fleet\n| Action | Lead |\n|---|---|\n"
            "| Bring the plan | DCC |\n")
    result = extraction_json(extract(text, "minutes.md"))
    assert [a["text"] for a in result["actions"]] == ["Bring the plan"]
    assert result["brought_forward"] == ["Circulate the profile"]


def test_only_the_police_and_crime_panel_is_a_panel_meeting() -> None:
    assert extraction_json(extract("Ethics and Scrutiny Panel\nHeld on 2 March 2027\n"))[
        "meeting"]["kind"] is None
    assert extraction_json(extract("Police and Crime Panel\nHeld on 2 March 2027\n"))[
        "meeting"]["kind"] == "panel"


def test_an_action_in_brackets_inside_a_sentence() -> None:
    [found] = actions("5.2 The DCC set out the plan (ACTION: DCC to report the figures to the "
                      "October meeting).")
    assert found["owners"] == ["DCC"] and found["due"]["month"] == "2027-10"


def test_numbered_action_points_are_a_list_not_agenda_items() -> None:
    found = actions("Item 5 – Performance\nThe PCC asked about burglary.\n\nAction points\n"
                    "1. ACC – set out the improvements – Due: 30 September 2027\n"
                    "2. Chief Executive – confirm the timetable – Due: next meeting\n")
    assert [(a["owners"], a["agenda_item"], a["due"]["kind"]) for a in found] == [
        (["ACC"], None, "date"), (["CEO"], None, "next_meeting")]
    assert found[0]["text"] == "set out the improvements"


def test_a_responsible_and_deadline_line_completes_the_action_above() -> None:
    [found] = actions("2. Arrests\nAction: The ACC to share the review with the DPCC.\n"
                      "Responsible: ACC   Deadline: 30/11/2027\n")
    assert found["due"] == {"kind": "date", "date": "2027-11-30"}
    assert found["source"].endswith("Deadline: 30/11/2027")


def test_the_chair_asked_that_someone_do_something() -> None:
    found = actions("2. Reviews\nThe Chair asked that the Chief Executive circulate the "
                    "outcomes to members.\nThe PCC asked that the force's plan be shared.")
    assert [(a["owners"], a["text"]) for a in found] == [
        (["CEO"], "circulate the outcomes to members")]


def test_a_numbered_action_label() -> None:
    found = actions("Action 3: DCC to review the rota.\nAction 12/27 – CC to write to the CPS.")
    assert [a["owners"] for a in found] == [["DCC"], ["CC"]]


def test_owner_last_in_a_list_of_actions() -> None:
    found = actions("Actions agreed:\n- Share the briefing note with the PCC – CC\n"
                    "- Circulate the estates report (CFO)\n"
                    "- Review the rota – DCC – 31/03/2027\n")
    assert [(a["owners"], a["text"]) for a in found] == [
        (["CC"], "Share the briefing note with the PCC"),
        (["CFO"], "Circulate the estates report"), (["DCC"], "Review the rota")]
    assert found[2]["due"] == {"kind": "date", "date": "2027-03-31"}


def test_a_word_table_pasted_as_tab_separated_text() -> None:
    found = actions("2. Fleet\nRef\tAction\tOwner\tDue\n1\tReport the costs\tDCC\t31/03/2027\n"
                    "2\tSurvey the depots\tHead of Estates\tnext meeting\n\nThe meeting closed.")
    assert [(a["text"], a["owners"]) for a in found] == [
        ("Report the costs", ["DCC"]), ("Survey the depots", ["Head of Estates"])]
    assert found[1]["due"]["kind"] == "next_meeting"


def test_a_follow_up_label_and_a_next_meeting_under_a_minute_number() -> None:
    result = extraction_json(extract(
        HEADER + "2. Questions\nFollow-up: CC to publish response times each quarter, starting "
        "in April 2027.\nNo follow-up needed.\n27/27 DATE OF NEXT MEETING\n"
        "16 March 2027 at 10:00.\n"))
    [found] = result["actions"]
    assert found["owners"] == ["CC"] and found["recurs"] == "quarterly"
    assert found["first_due"] == "2027-04"
    assert result["next_meeting"]["date"] == "2027-03-16"


def test_owner_colon_lines_in_a_list_of_actions() -> None:
    found = actions("3. Custody\nActions:\nCC: write to the IOPC about the timescale.\n"
                    "Jane Smith: circulate the review by 30/04/2027.\nUpdate: the report was sent.")
    assert [(a["owners"], a["text"]) for a in found] == [
        (["CC"], "write to the IOPC about the timescale"),
        (["Jane Smith"], "circulate the review")]


def test_a_report_requested_from_a_role() -> None:
    [found] = actions("2. CSE\nThe PCC requested a report on abduction notices from the ACC by "
                      "the next meeting.\nThe PCC requested an update.")
    assert found["owners"] == ["ACC"] and found["due"]["kind"] == "next_meeting"


def test_an_agenda_laid_out_in_a_word_table_is_read_as_text() -> None:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("Monthly Assurance Meeting October 2020 – Meeting Notes")
    document.add_paragraph("Date: Wednesday 28th October, 10 am")
    table = document.add_table(rows=0, cols=3)
    for number, content, action in [
        ("1.", "Outstanding Matters / Matters arising", "ACTION"),
        ("", "N/A", ""),
        ("2.3", "Utilisation of PCC funding.\nThe CC set out the position.\n"
         "ACTION: DCC and the PCC's CEO to discuss commissioning.", "DCC / CEO"),
        ("5.", "Confirmation of next meeting type / date / time / venue:\n"
         "Thematic on Covid-19\nThursday 26th November 2020", ""),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = number, content, action
    out = io.BytesIO()
    document.save(out)
    result = extraction_json(extract_actions(read_minutes("notes.docx", out.getvalue()),
                                             today=TODAY))
    [found] = result["actions"]
    assert found["owners"] == ["DCC", "CEO"] and found["agenda_item"] == "2.3"
    assert result["meeting"]["date"] == "2020-10-28"
    assert result["next_meeting"]["date"] == "2020-11-26"


def test_page_headers_and_numbers_from_a_pdf_do_not_break_a_sentence() -> None:
    wrapped = ("2.1 Calls\n" + "The PCC asked about the call handling figures for the county "
               "and the\nNot Protectively Marked\nPage 1 of 3\nnew telephony system in the "
               "control room.\n") * 3
    text = wrapped + "ACTION: ACC to provide the PCC with the figures for\nNot Protectively " \
        "Marked\nPage 3 of 3\nthe control room by 26/02/2027.\n"
    [found] = actions(text)
    assert found["text"] == "provide the PCC with the figures for the control room"


def test_word_numbered_items_end_the_matters_arising() -> None:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("Monthly Assurance Meeting")
    document.add_paragraph("Date: 26 January 2027")
    document.add_paragraph("Matters arising", style="List Number")
    document.add_paragraph("DCC to review the vacancies. Complete.")
    document.add_paragraph("Performance", style="List Number")
    document.add_paragraph("ACTION: ACC to share the audit.")
    out = io.BytesIO()
    document.save(out)
    result = extraction_json(extract_actions(read_minutes("m.docx", out.getvalue()), today=TODAY))
    assert [(a["text"], a["agenda_item"]) for a in result["actions"]] == [("share the audit", "2")]
    assert result["brought_forward"] == ["DCC to review the vacancies."]


def test_action_for_and_action_on_a_role() -> None:
    found = actions("2. Roads\nThe PCC noted the figures. Action for DCC: review the campaign "
                    "plan.\nAction on the ACC to report the hours to the July meeting.")
    assert [(a["owners"], a["text"]) for a in found] == [
        (["DCC"], "review the campaign plan"),
        (["ACC"], "report the hours to the July meeting")]


def test_a_lead_in_brackets_and_a_next_meeting_named_by_its_acronym() -> None:
    result = extraction_json(extract(
        HEADER + "2. Commissioning\nActions:\n• Publish the timetable (Lead: RT, by 30/06/2027)\n"
        "• Brief the PCC on the bid (Lead: Chief Executive)\n\nNext steps: the CC will report "
        "on 3 March 2027.\nNext SMT: Monday 3 May 2027, 09:00.\n"))
    assert [(a["owners"], a["due"]["kind"]) for a in result["actions"]][:2] == [
        (["RT"], "date"), (["CEO"], "none")]
    assert result["next_meeting"]["date"] == "2027-05-03"


def test_a_request_someone_agreed_to_meet() -> None:
    [found] = actions("72 Fire\nMembers requested further information on the business case, "
                      "which the Chief Executive agreed to provide before the September meeting.")
    assert found["owners"] == ["CEO"]
    assert found["text"].startswith("provide further information on the business case")
    assert found["due"]["month"] == "2027-09"


def test_earlier_actions_listed_in_matters_arising_are_brought_forward() -> None:
    result = extraction_json(extract(
        HEADER + "1. Outstanding actions\n- A-31 (DCC) rural vacancies: complete.\n"
        "A-35 (ACC) PCSO plan: under item 2.\n2. PCSOs\n* ACC to add retention measures.\n"))
    assert [a["owners"] for a in result["actions"]] == [["ACC"]]
    assert len(result["brought_forward"]) == 2
