"""Build the Word and PDF sets of minutes in this corpus (run by hand; the outputs are committed).

    python tests/minutes/corpus/make_files.py

Needs python-docx and fpdf2 (both in the dev extra).
"""

from pathlib import Path

from docx import Document
from fpdf import FPDF

HERE = Path(__file__).parent


def make_docx() -> None:
    doc = Document()
    doc.add_heading("Monthly Assurance Meeting – March 2027", level=1)
    doc.add_paragraph("Date: Wednesday 24 March 2027, 10:00")
    doc.add_paragraph("Chair: Police and Crime Commissioner")
    doc.add_paragraph("Venue: Hindlip Hall")
    attendance = doc.add_table(rows=1, cols=2)
    attendance.rows[0].cells[0].text = "Name"
    attendance.rows[0].cells[1].text = "Capacity"
    for name, capacity in [("J Example", "Police and Crime Commissioner (PCC)"),
                           ("R Sample", "Chief Constable (CC)"),
                           ("T Person", "Deputy Chief Constable (DCC)")]:
        cells = attendance.add_row().cells
        cells[0].text, cells[1].text = name, capacity
    doc.add_paragraph("1. Matters arising")
    doc.add_paragraph("All actions from the February meeting are reported in the action log.")
    doc.add_paragraph("2. Domestic abuse")
    doc.add_paragraph(
        "The PCC asked about the time taken to complete DASH risk assessments. The DCC said "
        "that the force's improvement action plan had reduced the backlog by a third.")
    doc.add_paragraph("3. Road safety")
    doc.add_paragraph(
        "The CC described the summer drink-drive campaign and the partnership with the fire "
        "service. The PCC welcomed the campaign.")
    doc.add_paragraph("Actions")
    table = doc.add_table(rows=1, cols=4)
    for cell, title in zip(table.rows[0].cells, ["Ref", "Lead", "Action required", "By when"],
                           strict=True):
        cell.text = title
    rows = [
        ("2", "DCC", "Report the DASH completion times for each local policing area",
         "30 April 2027"),
        ("2", "Chief Constable", "Confirm the date the new domestic abuse training starts",
         "Next meeting"),
        ("3", "ACC and PCC's CEO", "Agree the road safety communications plan for the summer",
         "31/05/2027"),
        ("3", "Head of Corporate Communications",
         "Publish the drink-drive campaign results on the force website", "TBC"),
    ]
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    doc.add_paragraph("4. Date of next meeting")
    doc.add_paragraph("Thematic meeting on domestic abuse, Wednesday 21 April 2027 at 10:00.")
    doc.save(HERE / "action_table_mar2027.docx")


def make_docx_thematic() -> None:
    doc = Document()
    doc.add_paragraph("OFFICE OF THE POLICE AND CRIME COMMISSIONER")
    doc.add_paragraph("Thematic Holding to Account Meeting – Serious Violence")
    doc.add_paragraph("Tuesday 25 May 2027, 10.00am, Meeting Room 1.38")
    doc.add_paragraph("1. Review of actions from previous meetings")
    review = doc.add_table(rows=1, cols=3)
    for cell, title in zip(review.rows[0].cells, ["Action", "Owner", "Update"], strict=True):
        cell.text = title
    for row in [("Attend the stop and search scrutiny panel in June", "ACC", "On track"),
                ("Review the rural vacancy position", "DCC", "Complete")]:
        for cell, value in zip(review.add_row().cells, row, strict=True):
            cell.text = value
    doc.add_paragraph("2. Serious violence duty")
    doc.add_paragraph(
        "The PCC asked how the force was meeting the serious violence duty. The ACC said the "
        "strategic needs assessment had been agreed with partners in April. It was agreed that "
        "the ACC would share the needs assessment with the OPCC once it is published.")
    doc.add_paragraph("3. Knife crime")
    doc.add_paragraph(
        "The CC described Operation Sceptre. The PCC asked for the results of the weapons "
        "sweeps to be reported to the public meeting in September.")
    doc.add_paragraph("Agreed actions")
    table = doc.add_table(rows=1, cols=4)
    for cell, title in zip(table.rows[0].cells, ["When", "What", "Who", "Item"], strict=True):
        cell.text = title
    rows = [
        ("End of June 2027", "Provide the knife crime surrender figures by local policing area",
         "ACC", "3"),
        ("September meeting", "Report the results of the weapons sweeps", "Chief Constable",
         "3"),
        ("Quarterly, first in October 2027",
         "Update the PCC on the serious violence partnership's spending", "PCC's CEO", "2"),
    ]
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    doc.add_paragraph("Next meeting: Monthly assurance meeting, Tuesday 29 June 2027, 10.00am")
    doc.save(HERE / "thematic_table_may2027.docx")


PDF_TEXT = """Monthly Assurance Meeting - June 2027
Meeting Notes

Date: Tuesday 29 June 2027 at 10:00
Chair: Police and Crime Commissioner
Venue: Meeting Room 1.38

1. Outstanding matters
None.

2. Holding to account
2.1 Neighbourhood crime
The PCC asked about the rise in shoplifting in market towns. The CC said that the rise
matched the national picture and that a retail crime officer had been appointed.
ACTION: CC to set out the retail crime plan for each market town by 31 July 2027.

2.2 Fleet
The PCC asked for an update on the electric vehicle pilot. The DCC said the six vehicles
were in use and charging points were installed.
Actions arising:
DCC to report the electric vehicle running costs to the September meeting.
Fleet strategy to be brought back to the next meeting.

3. Confirmation of next meeting type / date / time / venue
Monthly assurance meeting
Tuesday 27 July 2027 at 10:00
"""


def make_pdf() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in PDF_TEXT.splitlines():
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(HERE / "monthly_jun2027.pdf"))


if __name__ == "__main__":
    make_docx()
    make_docx_thematic()
    make_pdf()
