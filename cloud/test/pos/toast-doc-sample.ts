/**
 * Toast's own sample of an orders webhook message, byte for byte as its developer guide prints it:
 * "Example 9.3. Payload example for the order_updated event",
 * https://doc.toasttab.com/doc/devguide/devOrdersWebhookRef.html#devOrdersWebhookSampleJSON
 * (its restaurantGuid has one character too many in Toast's page too; kept as published).
 */
export const TOAST_DOC_ORDER_UPDATED = `{
        "timestamp": "2024-03-28T15:11:01.050Z",
        "eventCategory": "order_updated",
        "eventType": "order_updated",
        "guid": "534bf25a-b657-45aa-9a63-47f8f35400d6",
        "details": {
          "restaurantGuid": "0cd990c9-fd74-461d-8468-de2a0919ccbba",
          "order": {
            "guid": "f6d98b95-2816-4f54-b1ab-7a5d71e83769",
            "entityType": "Order",
            "externalId": null,
            "revenueCenter": null,
            "server": {
              "guid": "909523c3-5bf9-4bad-a3b9-68c4ce3c05e9",
              "entityType": "RestaurantUser",
              "externalId": null
            },
            "createdInTestMode": false,
            "lastModifiedDevice": {
              "id": "9b5185224a27ab72"
            },
            "source": "In Store",
            "voidDate": null,
            "duration": null,
            "businessDate": 20240401,
            "paidDate": null,
            "restaurantService": null,
            "excessFood": false,
            "voided": false,
            "estimatedFulfillmentDate": "2024-04-01T15:09:30.223+0000",
            "table": null,
            "requiredPrepTime": "PT0S",
            "approvalStatus": "APPROVED",
            "deliveryInfo": null,
            "serviceArea": null,
            "curbsidePickupInfo": null,
            "numberOfGuests": 1,
            "diningOption": {
              "guid": "06f9f331-848a-41b2-896f-e73e32cb278e",
              "entityType": "DiningOption",
              "externalId": null
            },
            "appliedPackagingInfo": null,
            "openedDate": "2024-04-01T15:09:30.223+0000",
            "voidBusinessDate": null,
            "checks": [
              {
                "guid": "cd39b62e-363b-4029-98f1-f3dc91f00df4",
                "entityType": "Check",
                "externalId": null,
                "displayNumber": "2",
                "payments": [],
                "appliedDiscounts": [],
                "lastModifiedDevice": {
                  "id": "9b5185224a27ab72"
                },
                "voidDate": null,
                "paidDate": null,
                "appliedLoyaltyInfo": null,
                "voided": false,
                "paymentStatus": "OPEN",
                "amount": 0,
                "tabName": null,
                "taxExempt": false,
                "openedDate": "2024-04-01T15:10:58.985+0000",
                "totalAmount": 0,
                "selections": [],
                "voidBusinessDate": null,
                "createdDate": "2024-04-01T15:10:59.798+0000",
                "deleted": false,
                "createdDevice": {
                  "id": "9b5185224a27ab72"
                },
                "closedDate": null,
                "deletedDate": "1970-01-01T00:00:00.000+0000",
                "modifiedDate": "2024-04-01T15:10:59.833+0000",
                "taxAmount": 0,
                "appliedServiceCharges": [],
                "customer": null
              },
              {
                "guid": "3b3efd41-5b71-476f-9119-ac2eca247444",
                "entityType": "Check",
                "externalId": null,
                "displayNumber": "1",
                "payments": [],
                "appliedDiscounts": [],
                "lastModifiedDevice": {
                  "id": "9b5185224a27ab72"
                },
                "voidDate": null,
                "paidDate": null,
                "appliedLoyaltyInfo": null,
                "voided": false,
                "paymentStatus": "OPEN",
                "amount": 0,
                "tabName": null,
                "taxExempt": false,
                "openedDate": "2024-04-01T15:10:58.985+0000",
                "totalAmount": 0,
                "selections": [],
                "voidBusinessDate": null,
                "createdDate": "2024-04-01T15:10:59.782+0000",
                "deleted": false,
                "createdDevice": {
                  "id": "9b5185224a27ab72"
                },
                "closedDate": null,
                "deletedDate": "1970-01-01T00:00:00.000+0000",
                "modifiedDate": "2024-04-01T15:10:59.829+0000",
                "taxAmount": 0,
                "appliedServiceCharges": [],
                "customer": null
              }
            ],
            "deleted": false,
            "createdDevice": {
              "id": "9b5185224a27ab72"
            },
            "createdDate": "2024-04-01T15:10:59.817+0000",
            "closedDate": null,
            "deletedDate": "1970-01-01T00:00:00.000+0000",
            "modifiedDate": "2024-04-01T15:10:59.817+0000",
            "promisedDate": null,
            "channelGuid": null,
            "pricingFeatures": [
              "TAXESV2"
            ]
          }
        }
      }`;
