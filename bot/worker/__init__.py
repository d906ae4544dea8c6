"""Workers: carry out the requests the web part stored, and send what they leave."""
