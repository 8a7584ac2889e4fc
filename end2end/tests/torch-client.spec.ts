// A Case Status API client written the way third-party clients of USCIS's Torch API are: form-body
// credentials, a check that the token's status is "approved", `expires_in` read as a number, a
// bearer token, and the answer read line by line as well as parsed. It talks to the real server
// over HTTP with Node's fetch; only the base URL differs from what it would use against USCIS.
import { expect, test } from '@playwright/test';
import { caseport, createApplicant, seedDemoCases } from '../support/cli';
import { newEmail, strongPassword } from '../support/journey';

interface CaseStatus {
  receiptNumber: string;
  formType: string;
  submittedDate: string;
  modifiedDate: string;
  current_case_status_text_en: string;
  current_case_status_desc_en: string;
  current_case_status_text_es: string;
  current_case_status_desc_es: string;
  hist_case_status: { date: string; completed_text_en: string; completed_text_es: string }[] | null;
}

/** The client, as a third party would write it against https://api-int.uscis.gov. */
class CaseStatusClient {
  private token = '';
  private expiresAt = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
  ) {}

  private async authenticate(): Promise<void> {
    const response = await fetch(`${this.baseUrl}/oauth/accesstoken`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.clientId,
        client_secret: this.clientSecret,
      }),
    });
    if (!response.ok) throw new Error(`token request failed: ${response.status}`);
    const answer = await response.json();
    if (answer.status !== 'approved') throw new Error(`token not approved: ${answer.status}`);
    this.token = answer.access_token;
    this.expiresAt = Date.now() + parseInt(answer.expires_in, 10) * 1000;
  }

  async caseStatus(receipt: string): Promise<{ status: number; text: string }> {
    if (!this.token || Date.now() >= this.expiresAt) await this.authenticate();
    const response = await fetch(`${this.baseUrl}/case-status/${receipt}`, {
      headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' },
    });
    return { status: response.status, text: await response.text() };
  }
}

test('a client written like third-party Torch clients reads a case by changing only its base URL', async ({ baseURL }) => {
  const email = newEmail();
  createApplicant(email, strongPassword());
  const [history, , fresh] = seedDemoCases(email);
  const created = caseport(['api-client', 'create', '--name', 'third-party client']);
  const clientId = /client_id=(\S+)/.exec(created)?.[1] ?? '';
  const clientSecret = /client_secret=(\S+)/.exec(created)?.[1] ?? '';
  expect(clientId).toMatch(/^[0-9a-f]{32}$/);

  const client = new CaseStatusClient(`${baseURL}/api/torch`, clientId, clientSecret);
  const answer = await client.caseStatus(history);
  expect(answer.status).toBe(200);

  // Some clients read the answer line by line.
  const titleLine = answer.text.split('\n').find((line) => line.includes('"current_case_status_text_en"'));
  expect(titleLine?.trim()).toBe('"current_case_status_text_en": "Card Was Mailed To Me",');
  // Others parse it.
  const parsed = JSON.parse(answer.text) as { case_status: CaseStatus; message: string };
  expect(parsed.message).toBe('Query was successful');
  expect(parsed.case_status.receiptNumber).toBe(history);
  expect(parsed.case_status.formType).toBe('I-765');
  expect(parsed.case_status.submittedDate).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
  expect(parsed.case_status.current_case_status_desc_en).toContain(history);
  expect(parsed.case_status.hist_case_status?.length).toBe(6);
  expect(parsed.case_status.hist_case_status?.[0].date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

  const newCase = JSON.parse((await client.caseStatus(fresh)).text) as { case_status: CaseStatus };
  expect(newCase.case_status.hist_case_status).toBeNull();

  const unknown = await client.caseStatus('EAC0000000000');
  expect(unknown.status).toBe(404);
  expect(JSON.parse(unknown.text)).toEqual({
    code: 404,
    message: 'Case Status Online does not recognize the receipt number entered.',
  });

  const wrongSecret = new CaseStatusClient(`${baseURL}/api/torch`, clientId, 'not-the-secret');
  await expect(wrongSecret.caseStatus(history)).rejects.toThrow('token request failed: 401');
});
