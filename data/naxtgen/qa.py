"""Hand-written question / reference-answer pairs for the internal-process chatbot (use case 2).

Every answer is grounded in the policy documents in data/policies; `not_covered` questions have no source and the
answer says so politely and points to the Service Desk.
"""

from __future__ import annotations

# (question, reference answer, sources)
SINGLE: list[tuple[str, str, list[str]]] = [
    # it-service-desk
    (
        "What are the Service Desk's opening hours?",
        "The Service Desk is staffed Monday to Friday, 7:00–20:00 Eastern Time. Outside those hours only P1 "
        "incidents are handled, through the on-call engineer on ext. 4357, option 1. You can log a ticket in "
        "NaxtHelp at any time.",
        ["it-service-desk"],
    ),
    (
        "What's the phone number for IT support if I'm outside the office network?",
        "From outside the network, please call +1 555 0100. Inside Naxt, the Service Desk is on ext. 4357. You can "
        "also reach them by chat in NaxtHelp or at servicedesk@naxt.example.",
        ["it-service-desk"],
    ),
    (
        "How quickly will someone respond if my VPN is down and I can't work?",
        "A problem that stops one person working, such as a VPN failure, is treated as P2: the Service Desk "
        "responds within 1 hour and aims to resolve it within 1 business day.",
        ["it-service-desk"],
    ),
    (
        "My ticket has been open for days. How do I escalate it?",
        "I'm sorry for the wait. Please reply to your ticket and ask for escalation; the Service Desk team lead "
        "reviews it within 1 business day. If you are still not satisfied, email servicedesk-escalations@naxt.example "
        "and quote your ticket number.",
        ["it-service-desk"],
    ),
    (
        "If I email the Service Desk instead of using the portal, how is it prioritised?",
        "Emails to servicedesk@naxt.example become P3 tickets automatically, with a first response within 4 "
        "business hours. For anything urgent, please call ext. 4357 instead.",
        ["it-service-desk"],
    ),
    (
        "Where can I get IT help in person?",
        "You're welcome to visit any IT Service Point, on floor 3 of every Naxt office, open 8:00–18:00 local "
        "time, Monday to Friday.",
        ["it-service-desk"],
    ),
    (
        "Someone from the Service Desk asked me for my password on the phone. Is that normal?",
        "No, and thank you for checking. The Service Desk will never ask for your password. Please don't share it, "
        "and report the call to the Security Operations Center on ext. 7000.",
        ["it-service-desk"],
    ),
    # laptop-hardware-ordering
    (
        "How do I order a second monitor?",
        "Please open NaxtHelp, choose Hardware and select the monitor; you can have up to two 27-inch monitors. "
        "Monitors need your line manager's approval and usually arrive within 5 business days.",
        ["laptop-hardware-ordering"],
    ),
    (
        "Do I need approval to order a new headset?",
        "No approval is needed for accessories under $150, such as a headset, mouse or cables. Order it under "
        "Hardware in NaxtHelp; accessories are ready within 3 business days.",
        ["laptop-hardware-ordering"],
    ),
    (
        "I'm a quant analyst. Can I get a laptop with more memory?",
        "Yes. The Naxt Performance laptop (16-inch, 32 GB) is available for roles such as quantitative analysts. "
        "Order it under Hardware in NaxtHelp; it needs approval from your line manager and your director.",
        ["laptop-hardware-ordering"],
    ),
    (
        "How often are laptops replaced?",
        "Laptops are refreshed every 4 years. IT Asset Management will email you 30 days before your refresh date.",
        ["laptop-hardware-ordering"],
    ),
    (
        "How long does a standard laptop take to arrive?",
        "A Standard laptop that is in stock is ready within 5 business days of approval. If you work remotely, "
        "please allow 2 extra business days for shipping.",
        ["laptop-hardware-ordering"],
    ),
    (
        "Can I buy a keyboard myself and expense it?",
        "I'm afraid equipment you buy personally is not reimbursed unless IT Asset Management approved it in "
        "advance. Keyboards are available in the NaxtHelp Hardware catalogue without approval if they cost under "
        "$150.",
        ["laptop-hardware-ordering"],
    ),
    (
        "I spilled coffee on my laptop. What should I do?",
        "Sorry to hear that. Please report the damage in NaxtHelp within 24 hours so IT Asset Management can help "
        "with a repair or replacement.",
        ["laptop-hardware-ordering"],
    ),
    (
        "Who approves a non-standard hardware item that costs $2,000?",
        "A non-standard item needs approval from your line manager and IT Asset Management, and because it costs "
        "more than $1,500, from the cost-centre owner as well. Delivery takes about 15 business days.",
        ["laptop-hardware-ordering"],
    ),
    # office-space-desk-allocation
    (
        "How far in advance can I book a desk?",
        "You can book a desk in DeskFinder up to 14 days ahead.",
        ["office-space-desk-allocation"],
    ),
    (
        "I booked a desk but got there at 10:30 and it was gone. Why?",
        "Sorry about that. Desk bookings must be checked in by 10:00, by scanning the desk's QR code or tapping "
        "Check in in DeskFinder; unchecked bookings are released at 10:00 for others.",
        ["office-space-desk-allocation"],
    ),
    (
        "Can I get a permanent desk?",
        "Fixed desks are reserved for roles that need one, such as trading floor staff, reception and colleagues "
        "with an accessibility need. If that applies to you, please submit Workplace > Fixed desk request in "
        "NaxtHelp; your department head and Workplace Services decide within 10 business days.",
        ["office-space-desk-allocation"],
    ),
    (
        "My back hurts from my chair. Can I get an ergonomic assessment?",
        "Certainly. Please request Workplace > Ergonomic assessment in NaxtHelp; an assessor will contact you "
        "within 5 business days. Recommended equipment such as a chair or sit-stand desk is provided without "
        "manager approval.",
        ["office-space-desk-allocation"],
    ),
    (
        "Our team is growing. How do we ask for more space?",
        "Please ask your manager to submit a Space request in NaxtHelp at least 6 weeks before you need the space. "
        "Workplace Services will reply with options within 10 business days.",
        ["office-space-desk-allocation"],
    ),
    (
        "Can I leave my things in a locker overnight?",
        "Day lockers are free but must be emptied every evening. If you need a permanent locker, you can request "
        "one in NaxtHelp, although numbers are limited.",
        ["office-space-desk-allocation"],
    ),
    (
        "What should I do with confidential papers at the end of the day?",
        "Please clear your desk each evening and put confidential papers in the locked shred bins, never in open "
        "trays.",
        ["office-space-desk-allocation"],
    ),
    # building-badges
    (
        "I lost my badge. What should I do?",
        "Please report it straight away to Corporate Security on ext. 7100 or security@naxt.example (after hours, "
        "the Security Operations Center on ext. 7000). The badge is deactivated within 1 hour, and you can collect "
        "a replacement at the lobby Security desk with photo ID.",
        ["building-badges"],
    ),
    (
        "I forgot my badge at home today. How do I get in?",
        "No problem. The lobby Security desk can give you a temporary day badge when you show government photo ID. "
        "It expires at 23:59 today, and you can use up to 3 day badges per calendar month.",
        ["building-badges"],
    ),
    (
        "Is there a charge for replacing a lost badge?",
        "The first replacement in 12 months is free. Any further replacement within 12 months needs your "
        "manager's sign-off in NaxtHelp.",
        ["building-badges"],
    ),
    (
        "How do I get access to the trading floor?",
        "Please submit Access request > Physical access in NaxtHelp. Once the area owner approves, access is "
        "processed within 2 business days.",
        ["building-badges"],
    ),
    (
        "I have a visitor coming tomorrow. What do I need to do?",
        "Please register your visitor in Visitor Manager in NaxtHelp at least 24 hours before they arrive, meet "
        "them in the lobby and escort them at all times. They return their badge to Security when they leave.",
        ["building-badges"],
    ),
    (
        "My contractor's badge stopped working. Why?",
        "Contractor badges expire on the contract end date and are issued for at most 6 months. The contractor's "
        "Naxt manager can renew it through NaxtHelp.",
        ["building-badges"],
    ),
    (
        "Is it okay to hold the door for a colleague who forgot to badge?",
        "I'm afraid not: letting someone follow you through a door without badging (tailgating) isn't allowed. "
        "Your colleague can get a temporary day badge from the lobby Security desk.",
        ["building-badges"],
    ),
    # vpn-remote-access
    (
        "Can I connect to the VPN from my personal laptop?",
        "I'm afraid not. Naxt Connect works only on Naxt-managed devices. From a personal device, you can use Naxt "
        "Web Workspace at workspace.naxt.example, which requires NaxtKey MFA.",
        ["vpn-remote-access"],
    ),
    (
        "Why does my VPN keep disconnecting?",
        "Naxt Connect sessions end after 30 minutes of inactivity and after 12 hours in total. If it drops more "
        "often, please check your internet connection, restart Naxt Connect and your laptop, and contact the "
        "Service Desk if it persists.",
        ["vpn-remote-access"],
    ),
    (
        "I need remote access to a production system. How do I get it?",
        "Please submit Access request > Remote access - elevated in NaxtHelp. Your manager and the system owner "
        "approve it, and processing takes 3 business days after approval.",
        ["vpn-remote-access"],
    ),
    (
        "I'm working from a coffee shop. Anything I should know?",
        "Please start Naxt Connect before opening any work application when you're on public Wi-Fi, and never use "
        "a public or shared computer for Naxt work.",
        ["vpn-remote-access"],
    ),
    (
        "I got a new phone. How do I move NaxtKey?",
        "If you still have your old phone, you can re-enrol NaxtKey yourself in KeyReset. If not, please call the "
        "Service Desk on ext. 4357; they will verify your identity and issue a temporary code.",
        ["vpn-remote-access"],
    ),
    (
        "Can I download client files to my home computer through Web Workspace?",
        "No. Naxt Web Workspace blocks downloading client files to personal devices. Please work on them within "
        "Web Workspace or on your Naxt laptop.",
        ["vpn-remote-access"],
    ),
    # software-requests
    (
        "How do I install software that's already approved?",
        "Please open AppShelf from the Start menu, choose the application and click Install. No approval is "
        "needed, and it finishes within 1 hour.",
        ["software-requests"],
    ),
    (
        "The tool I need isn't in AppShelf. What now?",
        "Please submit a Software request in NaxtHelp with the product name, version, business reason and number "
        "of users. After your manager approves, IT Security reviews it within 10 business days; if a paid licence "
        "is needed, allow up to 15 business days in total.",
        ["software-requests"],
    ),
    (
        "Do free open-source tools need approval?",
        "Yes. Free and open-source tools follow the same review as any other software request.",
        ["software-requests"],
    ),
    (
        "Can I get admin rights on my laptop?",
        "Permanent administrator rights aren't granted, but you can request temporary elevation in NaxtHelp with "
        "a justification. It lasts at most 4 hours.",
        ["software-requests"],
    ),
    (
        "We want to use a cloud service that would store client data. How long will approval take?",
        "A cloud service that stores or processes client data needs a Data Protection review and a Third-Party "
        "Risk assessment in addition to the usual software review, so please allow up to 30 business days.",
        ["software-requests"],
    ),
    (
        "Can I paste client information into a public AI chatbot to draft a letter?",
        "I'm sorry, but no. Client or confidential data must not be entered into AI tools that are not approved in "
        "AppShelf.",
        ["software-requests"],
    ),
    (
        "A program I used last year has disappeared from my laptop. Why?",
        "Licences that are unused for 90 days are reclaimed automatically. You can reinstall the program from "
        "AppShelf whenever you need it again.",
        ["software-requests"],
    ),
    (
        "Can I install a browser extension?",
        "Browser extensions may be installed only from the approved list in AppShelf.",
        ["software-requests"],
    ),
    # password-resets
    (
        "I forgot my password. How do I reset it?",
        "You can reset it yourself at any time in KeyReset (keyreset.naxt.example): enter your username, approve "
        "the NaxtKey prompt and choose a new password. It works everywhere within 15 minutes.",
        ["password-resets"],
    ),
    (
        "My account is locked. How long until it unlocks?",
        "Accounts lock after 10 failed attempts and unlock automatically after 30 minutes. If you'd rather not "
        "wait, resetting your password in KeyReset unlocks it straight away.",
        ["password-resets"],
    ),
    (
        "What are the password requirements?",
        "Passwords need at least 14 characters, and a passphrase of several unrelated words is recommended. You "
        "can't reuse any of your last 10 passwords.",
        ["password-resets"],
    ),
    (
        "How often do I have to change my password?",
        "Passwords don't expire on a fixed schedule. You must change yours immediately, though, if you think it "
        "has been exposed.",
        ["password-resets"],
    ),
    (
        "I lost my phone, so I can't use KeyReset. How do I reset my password?",
        "Please call the Service Desk on ext. 4357. After verifying your identity by video call with your badge, "
        "or through your manager, they complete the reset within 30 minutes during staffed hours.",
        ["password-resets"],
    ),
    (
        "I changed my password but my laptop still wants the old one.",
        "Please connect your laptop to the office network or to Naxt Connect so the new password can sync; it "
        "usually takes up to 15 minutes.",
        ["password-resets"],
    ),
    (
        "Who resets the password for an administrator account?",
        "Privileged accounts are reset only by the Privileged Access team, in person or by video.",
        ["password-resets"],
    ),
    # expenses
    (
        "How long do I have to submit an expense claim?",
        "Please submit your claim in Ledgerly within 30 days of the expense date.",
        ["expenses"],
    ),
    (
        "Do I need a receipt for a $12 taxi?",
        "No. Receipts are required only for items over $25, although it never hurts to attach one.",
        ["expenses"],
    ),
    (
        "What's the limit for a client dinner?",
        "Client meals are reimbursed up to $150 per person, including tax and tip. Please list all attendees in "
        "Ledgerly, and log the entertainment in the Gifts and Entertainment register if it exceeds $100 per "
        "client.",
        ["expenses"],
    ),
    (
        "When will I be reimbursed?",
        "Approved claims are paid by direct deposit within 10 business days of final approval.",
        ["expenses"],
    ),
    (
        "My claim is $3,200. Who needs to approve it?",
        "Your line manager approves every claim, and because it is over $2,500, your department head must approve "
        "it as well.",
        ["expenses"],
    ),
    (
        "I lost a receipt. Can I still claim?",
        "Yes. Please complete the Missing receipt declaration in Ledgerly. You can use up to 2 declarations per "
        "quarter.",
        ["expenses"],
    ),
    (
        "Can I expense drinks after work with the team?",
        "I'm afraid alcohol without a meal isn't reimbursed. Team meals can be claimed up to $60 per person with "
        "your director's pre-approval.",
        ["expenses"],
    ),
    (
        "What's the mileage rate for using my own car?",
        "Personal car mileage is reimbursed at $0.60 per mile through Ledgerly.",
        ["expenses"],
    ),
    (
        "I accidentally used the corporate card for groceries. What should I do?",
        "Thank you for flagging it. Personal use of the corporate card isn't allowed, so please contact Finance "
        "Operations at expenses@naxt.example or ext. 3300 to arrange repayment.",
        ["expenses"],
    ),
    # travel-booking
    (
        "How do I book a business flight?",
        "Please book in TripLine, or call Meridian Travel Partners for multi-city or group trips. TripLine sends "
        "the trip for approval automatically; try to book at least 14 days ahead.",
        ["travel-booking"],
    ),
    (
        "Can I fly business class to Chicago?",
        "Flights under 6 hours are economy, so a domestic flight to Chicago would be economy class. Business "
        "class is only for flights over 10 hours, with department head approval.",
        ["travel-booking"],
    ),
    (
        "What's the hotel limit in New York?",
        "New York is a high-cost city, so the nightly cap shown in TripLine is $400.",
        ["travel-booking"],
    ),
    (
        "Who approves international travel?",
        "International trips need approval from your line manager and your department head.",
        ["travel-booking"],
    ),
    (
        "My flight was cancelled at night. Who can help me rebook?",
        "I'm sorry to hear that. Meridian Travel Partners is available 24/7 on +1 555 0142 and can rebook you.",
        ["travel-booking"],
    ),
    (
        "Can I add a few vacation days after my business trip?",
        "Yes, adding personal days is allowed, but you pay any extra cost that it causes.",
        ["travel-booking"],
    ),
    (
        "Do I need to buy travel insurance?",
        "No. Travel insurance applies automatically to trips booked through TripLine or Meridian Travel Partners.",
        ["travel-booking"],
    ),
    (
        "I booked my hotel directly on the hotel's website. Will it be reimbursed?",
        "Bookings made outside TripLine or Meridian Travel Partners are not reimbursed unless Finance Operations "
        "approves an exception. Please contact the Travel Desk at travel@naxt.example to ask.",
        ["travel-booking"],
    ),
    (
        "What size rental car can I book?",
        "You can rent an intermediate-size car or smaller.",
        ["travel-booking"],
    ),
    # meeting-rooms
    (
        "How far ahead can I book a meeting room?",
        "Rooms can be booked in RoomBook up to 90 days ahead.",
        ["meeting-rooms"],
    ),
    (
        "Why was my meeting room released?",
        "Rooms must be checked in within 15 minutes of the start time on the room panel or in the app; otherwise "
        "they are released automatically.",
        ["meeting-rooms"],
    ),
    (
        "How do I order lunch for a meeting?",
        "Please order through NaxtHelp (Workplace > Catering request) at least 2 business days ahead. Catering is "
        "charged to your cost centre.",
        ["meeting-rooms"],
    ),
    (
        "Can I book a client suite for an internal team meeting?",
        "Client suites are reserved for meetings with clients and prospects. Internal meetings should use the "
        "regular meeting rooms in RoomBook.",
        ["meeting-rooms"],
    ),
    (
        "The screen in my meeting room isn't working and the meeting starts now.",
        "For urgent help during a meeting, please call ext. 4357 and choose option 3 for audio-visual support.",
        ["meeting-rooms"],
    ),
    (
        "We need a room for 40 people for a town hall.",
        "Rooms for more than 20 people are requested through NaxtHelp (Workplace > Large space request) at least "
        "10 business days ahead.",
        ["meeting-rooms"],
    ),
    (
        "Can I set up a weekly recurring room booking for the whole year?",
        "Recurring bookings are allowed for up to 3 months at a time, so please renew yours every 3 months.",
        ["meeting-rooms"],
    ),
    # new-joiner-onboarding
    (
        "I have someone starting in three weeks. What do I need to do?",
        "Please submit the New starter request in NaxtHelp at least 10 business days before the start date, "
        "choosing the laptop type, software bundle and team neighbourhood, and name an onboarding buddy from your "
        "team.",
        ["new-joiner-onboarding"],
    ),
    (
        "What time should I arrive on my first day?",
        "Welcome to Naxt! Please arrive at 9:00 at the lobby reception of your office and bring government-issued "
        "photo ID.",
        ["new-joiner-onboarding"],
    ),
    (
        "Which training courses are mandatory for new joiners?",
        "Please complete Code of Conduct, Information Security, Anti-Money Laundering, and Privacy and Client "
        "Confidentiality in Naxt Learn within 30 days of your start date.",
        ["new-joiner-onboarding"],
    ),
    (
        "I'm starting remotely. When will my laptop arrive?",
        "Your laptop is shipped to arrive at least 2 business days before your start date, and IT verifies your "
        "identity by video call on the morning of day one.",
        ["new-joiner-onboarding"],
    ),
    (
        "When will my new joiner's email account be ready?",
        "Email and core applications are active from 8:00 on the first day, as long as the New starter request "
        "was submitted in time.",
        ["new-joiner-onboarding"],
    ),
    (
        "When are the probation check-ins?",
        "Your manager holds check-ins at 30, 60 and 90 days after you start.",
        ["new-joiner-onboarding"],
    ),
    # equipment-return
    (
        "What do I need to return when I leave Naxt?",
        "Please return your laptop, phone, hardware tokens, monitors and docking stations, and any accessory that "
        "cost more than $150 to an IT Service Point by your last working day. Your badge goes back to Corporate "
        "Security.",
        ["equipment-return"],
    ),
    (
        "I work remotely and I'm leaving. How do I send my laptop back?",
        "A prepaid return kit will be sent 5 business days before your last day. Please ship the equipment within "
        "5 business days after your last day.",
        ["equipment-return"],
    ),
    (
        "Should I factory-reset my laptop before returning it?",
        "Please don't. IT erases returned devices under the data destruction standard. Do remove any personal "
        "files first, and never copy client data to personal storage.",
        ["equipment-return"],
    ),
    (
        "I received my replacement laptop. When does the old one need to go back?",
        "Please return the old device within 10 business days of receiving the new one.",
        ["equipment-return"],
    ),
    (
        "What happens if I don't return my equipment?",
        "Automatic reminders are sent. After 15 business days the case is escalated to your manager, and the "
        "replacement cost may be recovered where local law allows.",
        ["equipment-return"],
    ),
    (
        "How do I know my returned laptop was received?",
        "You'll receive an email receipt as soon as AssetTrack records the return.",
        ["equipment-return"],
    ),
    # mobile-phones
    (
        "Am I eligible for a company phone?",
        "Naxt phones are provided to client-facing advisors, on-call IT staff and executives. Other roles need "
        "approval from the line manager and department head; the request goes through NaxtHelp.",
        ["mobile-phones"],
    ),
    (
        "Can I text a client from my personal phone?",
        "I'm sorry, but no. Client communications must be recorded, so please use your Naxt desk line, Naxt "
        "mobile number or Naxt Messenger, never personal messaging apps.",
        ["mobile-phones"],
    ),
    (
        "How do I get work email on my own phone?",
        "Please install and enrol Naxt Work, the secure app for email, calendar and chat. Approved BYOD users in "
        "eligible roles also receive a $40 monthly allowance through payroll.",
        ["mobile-phones"],
    ),
    (
        "I'm travelling to Europe next week. Will my Naxt phone work?",
        "Please enable international roaming through NaxtHelp at least 3 business days before you travel; "
        "roaming is charged to your cost centre.",
        ["mobile-phones"],
    ),
    (
        "When can I upgrade my company phone?",
        "Naxt phones are upgraded every 3 years. Your old phone is then returned under the equipment return policy.",
        ["mobile-phones"],
    ),
    (
        "How long does a new company phone take?",
        "Once approved, the standard model arrives within 5 business days.",
        ["mobile-phones"],
    ),
    # security-incident-reporting
    (
        "I received a suspicious email. What should I do?",
        "Thank you for being careful. Please click Report Phish in the email toolbar; it removes the email and "
        "alerts the Security Operations Center. Please don't forward it to colleagues.",
        ["security-incident-reporting"],
    ),
    (
        "I sent a client statement to the wrong email address. What do I do?",
        "Please report it to the Security Operations Center within 1 hour (ext. 7000, soc@naxt.example or "
        "Security incident in NaxtHelp), and tell your manager and Compliance. The Privacy Office will decide "
        "within 24 hours whether anyone must be notified.",
        ["security-incident-reporting"],
    ),
    (
        "Will I get in trouble for reporting that I clicked a bad link?",
        "No. Reporting promptly is never penalised, even if you made the mistake. Please contact the Security "
        "Operations Center on ext. 7000 right away.",
        ["security-incident-reporting"],
    ),
    (
        "My laptop is behaving strangely and I think it has malware. Should I turn it off?",
        "Please don't turn it off. Disconnect it from the network instead and report it to the Security "
        "Operations Center on ext. 7000.",
        ["security-incident-reporting"],
    ),
    (
        "How fast does the security team respond to a report?",
        "The Security Operations Center acknowledges urgent reports within 15 minutes and all others within 4 hours.",
        ["security-incident-reporting"],
    ),
    (
        "There's someone I don't recognise in the secure records area. Who do I tell?",
        "Please report it right away to the Security Operations Center on ext. 7000, which is staffed 24/7. "
        "Physical security issues count as security incidents.",
        ["security-incident-reporting"],
    ),
    # printing
    (
        "How do I print a document?",
        "Please print to the Naxt-Secure queue, then tap your badge at any Naxt printer to release the job. "
        "Unreleased jobs are deleted after 24 hours.",
        ["printing"],
    ),
    (
        "I need 800 pages bound for a client presentation.",
        "Jobs over 500 pages and bound packs go to the Print Room. Please request it in NaxtHelp (Workplace > "
        "Print room request) at least 2 business days ahead.",
        ["printing"],
    ),
    (
        "Can I print client documents at home?",
        "I'm afraid not. Printing Naxt documents at home isn't supported, and client data must never be printed "
        "outside a Naxt office.",
        ["printing"],
    ),
    (
        "The printer on my floor is jammed. How do I report it?",
        "Please scan the QR code on the printer or log the fault in NaxtHelp. Printer faults are fixed within 1 "
        "business day.",
        ["printing"],
    ),
    (
        "Can I print in colour?",
        "Yes, when it is needed. The default is double-sided black and white, and you can choose colour for a "
        "specific job.",
        ["printing"],
    ),
    # working-from-another-office
    (
        "Can I work from the Denver office for a few days?",
        "Certainly. Please let your line manager know, then book a desk in the visitor neighbourhood of the "
        "Denver office in DeskFinder, up to 14 days ahead. Your own badge opens general areas in US offices.",
        ["working-from-another-office"],
    ),
    (
        "Which Wi-Fi should I use when visiting another office?",
        "Please connect to the Naxt-Corp Wi-Fi with your normal Naxt credentials, and don't use the guest network "
        "for work.",
        ["working-from-another-office"],
    ),
    (
        "Does my badge work in the London office?",
        "Not on its own. Please request a temporary London badge from Corporate Security (security@naxt.example) "
        "at least 5 business days ahead and collect it at London reception with photo ID.",
        ["working-from-another-office"],
    ),
    (
        "Can I work from my parents' home in another country for a month?",
        "Working from a country where you are not employed is handled by the People Team under a separate "
        "process, so please contact people@naxt.example before making plans.",
        ["working-from-another-office"],
    ),
    (
        "Where do I get local help when I'm visiting another office?",
        "Please visit the Workplace desk on the ground floor or the IT Service Point on floor 3 of the office "
        "you're visiting.",
        ["working-from-another-office"],
    ),
]

MULTI: list[tuple[str, str, list[str]]] = [
    (
        "My laptop was stolen from my car. What do I need to do?",
        "I'm sorry to hear that. Please report it to the Security Operations Center within 1 hour on ext. 7000 "
        "(or soc@naxt.example), since a stolen laptop is a security incident. Then request a replacement under "
        "Hardware in NaxtHelp; a Standard laptop in stock is ready within 5 business days of approval.",
        ["security-incident-reporting", "laptop-hardware-ordering"],
    ),
    (
        "I lost my Naxt phone while travelling abroad. What should I do?",
        "I'm sorry to hear that. Please call the Service Desk on ext. 4357 within 1 hour so the phone can be "
        "wiped remotely, and report it to the Security Operations Center (ext. 7000, 24/7) as a security "
        "incident.",
        ["mobile-phones", "security-incident-reporting"],
    ),
    (
        "I clicked a link in a phishing email and typed my password. What now?",
        "Thank you for acting quickly. Please reset your password right away in KeyReset and report the incident "
        "to the Security Operations Center on ext. 7000 or with Report Phish. Prompt reporting is never "
        "penalised.",
        ["security-incident-reporting", "password-resets"],
    ),
    (
        "I'm leaving Naxt next month. What happens to my laptop and my badge?",
        "Please return your laptop and other equipment to an IT Service Point by your last working day, and hand "
        "your badge to the lobby Security desk. You'll receive an email receipt when AssetTrack records the "
        "return.",
        ["equipment-return", "building-badges"],
    ),
    (
        "I'm locked out of my account and now the VPN won't connect either.",
        "The VPN uses your Naxt password, so please reset it in KeyReset first, which also unlocks your account "
        "immediately. Then restart Naxt Connect. If it still fails, the Service Desk treats a VPN failure as P2, "
        "with a response within 1 hour.",
        ["password-resets", "vpn-remote-access"],
    ),
    (
        "I'm hosting a client lunch in a client suite. How do I arrange catering, and can I expense it?",
        "Please order catering in NaxtHelp (Workplace > Catering request) at least 2 business days ahead; it is "
        "charged to your cost centre. If you instead take the client to a restaurant, client meals are "
        "reimbursed up to $150 per person through Ledgerly.",
        ["meeting-rooms", "expenses"],
    ),
    (
        "I'm flying to London to work from our office there for a week. What do I need to arrange?",
        "Please book the trip in TripLine with approval from your line manager and department head, request a "
        "temporary London badge from Corporate Security at least 5 business days ahead, and book a desk in the "
        "visitor neighbourhood in DeskFinder.",
        ["travel-booking", "working-from-another-office"],
    ),
    (
        "I'm travelling to Singapore for work and will need the VPN there. What should I do?",
        "Please submit International travel - remote access in NaxtHelp at least 5 business days before you "
        "travel; IT Security may issue a loaner laptop. The trip itself is booked in TripLine with line manager "
        "and department head approval.",
        ["vpn-remote-access", "travel-booking"],
    ),
    (
        "Can I print confidential client documents while visiting the Boston office?",
        "Yes. PrintPass works with your badge in every Naxt office: print to the Naxt-Secure queue and release "
        "the job at the printer. Please never leave client documents on the printer and use the locked shred "
        "bins.",
        ["printing", "working-from-another-office"],
    ),
    (
        "I just got a new laptop. How do I get my specialist software back on it?",
        "Pre-approved software can be reinstalled from AppShelf within 1 hour. For anything not in AppShelf, "
        "please submit a Software request in NaxtHelp. Also remember to return the old laptop within 10 "
        "business days.",
        ["software-requests", "equipment-return"],
    ),
    (
        "My new hire starts on Monday. Will they have a desk and a badge?",
        "If the New starter request was submitted at least 10 business days ahead, the badge is ready to collect "
        "from Security on day one. Desks are shared, so please book one for them in your team neighbourhood in "
        "DeskFinder.",
        ["new-joiner-onboarding", "office-space-desk-allocation"],
    ),
    (
        "I'm getting a new company phone. What do I do with the old one?",
        "Please return the old phone to an IT Service Point within 10 business days of receiving the new one; "
        "AssetTrack will email you a receipt. Phones are upgraded every 3 years.",
        ["mobile-phones", "equipment-return"],
    ),
    (
        "The printer is broken and it's 21:00. Can I call the Service Desk now?",
        "The Service Desk is staffed until 20:00 Eastern Time, and after hours only P1 incidents are handled. "
        "Please scan the QR code on the printer or log the fault in NaxtHelp; printer faults are fixed within 1 "
        "business day.",
        ["printing", "it-service-desk"],
    ),
    (
        "I drove to the Chicago office for a client meeting. Can I claim mileage and parking?",
        "Mileage for your own car is reimbursed at $0.60 per mile through Ledgerly. The expenses policy doesn't "
        "mention parking fees, so please check with Finance Operations on ext. 3300. If you'll work there, book a "
        "visitor desk in DeskFinder.",
        ["expenses", "working-from-another-office"],
    ),
    (
        "I'm a new joiner and my NaxtKey app isn't set up. How do I connect to the VPN from home?",
        "Please register NaxtKey with the IT Service Point, or if you're remote, call the Service Desk on ext. "
        "4357 to verify your identity and get a temporary code. Naxt Connect then needs your password and a "
        "NaxtKey approval.",
        ["new-joiner-onboarding", "vpn-remote-access"],
    ),
]

NOT_COVERED: list[str] = [
    "How many weeks of parental leave do I get?",
    "What is the company's 401(k) matching contribution?",
    "When are annual salary reviews?",
    "Can I bring my dog to the office on Fridays?",
    "Does Naxt reimburse gym memberships?",
    "How do I apply for a parking permit in the garage?",
    "What's on the cafeteria menu this week?",
    "How many volunteering days am I entitled to?",
    "Is there a dress code for client meetings?",
    "Does Naxt pay for my master's degree?",
    "Where can I store my bike at the Seattle office?",
    "How do I nominate a colleague for the annual recognition award?",
    "What is the company holiday calendar for next year?",
    "Can I take a sabbatical?",
    "Does Naxt match charitable donations?",
    "How do I change my direct deposit bank details in payroll?",
    "Is there an employee discount on Naxt investment products?",
    "What's the policy on jury duty?",
]

NOT_COVERED_TEMPLATES: list[str] = [
    "Thank you for your question. I'm sorry, but none of Naxt's internal process documents cover {topic}. "
    "Please contact the Service Desk through NaxtHelp or on ext. 4357, and they will route it to the right team.",
    "I'm afraid I can't find {topic} in our internal process documents, so I'd rather not guess. The Service Desk "
    "(NaxtHelp or ext. 4357) will be glad to direct your question to the right team.",
    "That's a good question, but {topic} isn't covered by the policies I can see. Please raise it with the "
    "Service Desk in NaxtHelp or on ext. 4357; they'll make sure it reaches the right people.",
    "Apologies, I don't have a policy on {topic}. The Service Desk can help: log a request in NaxtHelp or call "
    "ext. 4357 and they'll forward it to the team responsible.",
]

NOT_COVERED_TOPICS: list[str] = [
    "parental leave",
    "401(k) matching",
    "salary reviews",
    "bringing pets to the office",
    "gym membership reimbursement",
    "garage parking permits",
    "the cafeteria menu",
    "volunteering days",
    "dress codes",
    "tuition support for degrees",
    "bike storage",
    "recognition awards",
    "the company holiday calendar",
    "sabbaticals",
    "charitable donation matching",
    "changing payroll bank details",
    "employee discounts on Naxt products",
    "jury duty",
]
